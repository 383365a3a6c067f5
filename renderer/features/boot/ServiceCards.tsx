/** One card per boot listener: listening where, or why not and what to do about it. */
import type { BootServiceName, BootServiceStatus, BootStatus } from '../../../shared/domain/boot';

const SERVICES: Record<BootServiceName, { title: string; what: string }> = {
  http: { title: 'HTTP boot server', what: 'iPXE scripts, kernels and images, cloud-init seeds, phone-home' },
  tftp: { title: 'TFTP', what: 'the small iPXE binary that PXE firmware loads first' },
  'proxy-dhcp': { title: 'proxyDHCP', what: 'adds boot information beside your router’s DHCP' },
  dhcp: { title: 'Full DHCP', what: 'hands out addresses on an isolated lab network' },
};

/** The port(s) a service will use, from the config, for when it is not listening. */
function configuredPorts(name: BootServiceName, config: BootStatus['config']): string {
  switch (name) {
    case 'http':
      return String(config.ports.http);
    case 'tftp':
      return String(config.ports.tftp);
    case 'proxy-dhcp':
      return `${config.ports.dhcp} and ${config.ports.proxy}`;
    case 'dhcp':
      return String(config.ports.dhcp);
  }
}

export function ServiceCards({ status }: { status: BootStatus }) {
  return (
    <ul className="service-cards" aria-label="Boot services">
      {status.services.map((s) => (
        <ServiceCard key={s.name} service={s} config={status.config} />
      ))}
    </ul>
  );
}

function ServiceCard({ service, config }: { service: BootServiceStatus; config: BootStatus['config'] }) {
  const { title, what } = SERVICES[service.name];
  const where =
    service.state === 'listening' && service.address !== null
      ? `${service.address}:${service.port ?? ''}`
      : `${config.serverAddress || 'no address chosen'} · port ${configuredPorts(service.name, config)}`;
  return (
    <li className={`service-card service-${service.state}`} aria-label={title} data-testid="boot-service" data-service={service.name}>
      <div className="service-head">
        <h3>{title}</h3>
        <span className={`badge service-state-${service.state}`} data-testid="service-state">
          {service.state}
        </span>
      </div>
      <p className="muted service-what">{what}</p>
      <p className={service.state === 'listening' ? 'mono service-where' : 'mono muted service-where'} data-testid="service-address">
        {service.state === 'listening' ? `Listening on ${where}` : where}
      </p>
      {service.error && (
        <div className="service-error" data-testid="service-error">
          <p>{service.error.message}</p>
          <p className="mono service-error-code">{service.error.code}</p>
        </div>
      )}
    </li>
  );
}
