/**
 * Why the TFTP port could not be opened, in words the Boot page can show next to the service.
 */
import { ErrorCode, RackpilotError } from '../../../../shared/errors';

export function tftpBindError(err: NodeJS.ErrnoException, host: string, port: number): RackpilotError {
  const where = `${host}:${port}`;
  switch (err.code) {
    case 'EACCES':
    case 'EPERM':
      return new RackpilotError(
        ErrorCode.PortPrivileged,
        `TFTP cannot listen on UDP ${where}: ports below 1024 need privileges. Run Rackpilot as root, ` +
          `or grant Node the capability once with: sudo setcap cap_net_bind_service=+ep ${process.execPath}`,
        { service: 'tftp', host, port, errno: err.code },
      );
    case 'EADDRINUSE':
      return new RackpilotError(
        ErrorCode.PortInUse,
        `TFTP cannot listen on UDP ${where}: another program holds the port — probably another TFTP ` +
          'server (tftpd-hpa, dnsmasq with enable-tftp, atftpd). Stop it (e.g. sudo systemctl stop ' +
          'tftpd-hpa) or choose another port.',
        { service: 'tftp', host, port, errno: err.code },
      );
    case 'EADDRNOTAVAIL':
      return new RackpilotError(
        ErrorCode.InterfaceUnavailable,
        `TFTP cannot listen on ${where}: no interface of this machine has the address ${host}. ` +
          'Pick the lab interface again in Boot settings.',
        { service: 'tftp', host, port, errno: err.code },
      );
    default:
      return new RackpilotError(ErrorCode.Internal, `TFTP cannot listen on UDP ${where}: ${err.message}`, {
        service: 'tftp',
        host,
        port,
        errno: err.code,
      });
  }
}
