/** Facts, readable: a summary list, then the disks and the network interfaces as tables. */
import type { NodeFacts } from '../../../shared/domain/facts';
import { diskKindLabel, diskRows, formatBytes, machineLabel, nicAddresses, osLabel, sortNics, totalDiskBytes, virtLabel } from './facts-format';

const unknown = <span className="muted">unknown</span>;

export function FactsView({ facts, nodeName }: { facts: NodeFacts; nodeName: string }) {
  const disks = diskRows(facts.disks);
  const nics = sortNics(facts.nics);
  return (
    <>
      <dl className="detail-fields facts-summary" aria-label={`Facts of ${nodeName}`}>
        <dt>OS</dt>
        <dd data-testid="fact-os">{osLabel(facts.os)}</dd>
        <dt>Kernel</dt>
        <dd className="mono" data-testid="fact-kernel">
          {facts.kernel ?? unknown}
          {facts.arch && <span className="muted"> ({facts.arch})</span>}
        </dd>
        <dt>CPU</dt>
        <dd data-testid="fact-cpu">{facts.cpu.model ?? unknown}</dd>
        <dt>Cores</dt>
        <dd data-testid="fact-cores">{facts.cpu.cores ?? unknown}</dd>
        <dt>Threads</dt>
        <dd data-testid="fact-threads">{facts.cpu.threads ?? unknown}</dd>
        <dt>Memory</dt>
        <dd data-testid="fact-memory">{formatBytes(facts.memoryBytes)}</dd>
        <dt>Storage</dt>
        <dd>
          {formatBytes(totalDiskBytes(facts.disks))} in {facts.disks.filter((d) => d.type === 'disk').length} disk(s)
        </dd>
        <dt>Machine</dt>
        <dd data-testid="fact-machine">{machineLabel(facts.dmi)}</dd>
        <dt>Serial</dt>
        <dd className="mono">{facts.dmi.serial ?? <span className="muted">unknown (readable by root only, or no DMI table)</span>}</dd>
        <dt>Virtualisation</dt>
        <dd data-testid="fact-virt">{virtLabel(facts.virtualization)}</dd>
      </dl>

      <section aria-label="Disks" className="detail-section">
        <h3>Disks</h3>
        {disks.length === 0 ? (
          <p className="muted">No block devices reported (lsblk missing, or a container).</p>
        ) : (
          <div className="table-wrap">
            <table className="facts-table" aria-label={`Disks of ${nodeName}`}>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Type</th>
                  <th scope="col" className="num">
                    Size
                  </th>
                  <th scope="col">Kind</th>
                  <th scope="col">Model</th>
                  <th scope="col">Serial</th>
                </tr>
              </thead>
              <tbody>
                {disks.map(({ disk, depth, key }) => (
                  <tr key={key}>
                    <td className="mono" style={{ paddingLeft: `${0.5 + depth * 1.1}rem` }}>
                      {depth > 0 && (
                        <span className="muted" aria-hidden="true">
                          └{' '}
                        </span>
                      )}
                      {disk.name}
                    </td>
                    <td>{disk.type}</td>
                    <td className="num nowrap">{formatBytes(disk.sizeBytes)}</td>
                    <td>{depth === 0 ? diskKindLabel(disk) : ''}</td>
                    <td>{disk.model ?? ''}</td>
                    <td className="mono">{disk.serial ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-label="Network interfaces" className="detail-section">
        <h3>Network interfaces</h3>
        {nics.length === 0 ? (
          <p className="muted">No interfaces reported (the ip tool is missing).</p>
        ) : (
          <div className="table-wrap">
            <table className="facts-table" aria-label={`Network interfaces of ${nodeName}`}>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">MAC</th>
                  <th scope="col">State</th>
                  <th scope="col" className="num">
                    MTU
                  </th>
                  <th scope="col">Addresses</th>
                </tr>
              </thead>
              <tbody>
                {nics.map((nic) => (
                  <tr key={nic.name}>
                    <td className="mono">{nic.name}</td>
                    <td className="mono nowrap">{nic.mac ?? '—'}</td>
                    <td>{nic.state ?? ''}</td>
                    <td className="num">{nic.mtu ?? ''}</td>
                    <td className="mono">
                      {nicAddresses(nic).map((a) => (
                        <span key={a} className="nic-address">
                          {a}
                        </span>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
