/** A server in a process of its own, so the load generator does not share its event loop. */
import { spawn } from 'node:child_process';

export interface ChildServer { url: string; stop(): Promise<void> }

/** Runs `node <args>` and waits for its "listening <port>" line. */
export async function spawnListening(args: string[], env: NodeJS.ProcessEnv, name: string): Promise<ChildServer> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
  const orphan = () => child.kill('SIGKILL'); // never leave a server running if the benchmark dies
  process.once('exit', orphan);
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => {
      process.off('exit', orphan);
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
