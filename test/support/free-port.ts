import net from 'node:net';

/** A loopback TCP port nobody listens on right now (for a server a test starts). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => done(port));
    });
    s.on('error', fail);
  });
}
