import { createSocket } from 'node:dgram';
import { Agent } from 'coap';

/**
 * A client agent on a socket of our own. Left to itself the library closes an agent's socket
 * when it thinks the last exchange is over, and for an observation it does so before sending the
 * eager deregistration, which then throws on the closed socket. With our socket the agent never
 * closes it; `close` stops every retransmission timer first, then closes the socket, once.
 */
export interface OwnAgent {
  readonly agent: Agent;
  close(): Promise<void>;
}

export function newAgent(host: string): OwnAgent {
  const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
  socket.on('error', () => undefined);
  const agent = new Agent({ socket });
  let closed: Promise<void> | undefined;
  return {
    agent,
    close() {
      closed ??= new Promise<void>((done) => {
        const a = agent as unknown as { _msgIdToReq: Map<number, Parameters<Agent['abort']>[0]> };
        for (const req of [...a._msgIdToReq.values()]) agent.abort(req);
        try {
          socket.close(() => done());
        } catch {
          done(); // never bound: nothing to close
        }
      });
      return closed;
    },
  };
}
