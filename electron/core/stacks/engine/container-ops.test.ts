import { describe, expect, it } from 'vitest';
import { portInUse } from './container-ops';

describe('portInUse', () => {
  const endpoint = 'driver failed programming external connectivity on endpoint s-web-1 (0123abcd)';

  it('names the port, the address and who holds it: a program, or a container', () => {
    expect(portInUse('service web', `${endpoint}: Error starting userland proxy: listen tcp4 127.0.0.1:8080: bind: address already in use`)?.message).toBe(
      'Could not start service web: host port 8080 on 127.0.0.1 is already in use by another program on the Docker host. Stop what uses port 8080, or publish the service on another host port (its ports: in the compose file), then apply again.',
    );
    expect(portInUse('service web', `${endpoint}: Bind for 0.0.0.0:80 failed: port is already allocated`)?.message).toMatch(
      /^Could not start service web: host port 80 on every address is already in use by another container/,
    );
    expect(portInUse('service dns', `${endpoint}: Error starting userland proxy: listen udp6 [::]:53: bind: address already in use`)).toMatchObject({
      code: 'E_ENGINE',
      message: expect.stringContaining('host port 53 on every address'),
    });
  });

  it('leaves other start failures to the generic message', () => {
    expect(portInUse('service web', 'OCI runtime create failed: exec: "nope": executable file not found in $PATH')).toBeNull();
  });
});
