// Starts a real Gatehouse server on a free port with its own data directory,
// and runs its CLI against that directory.
import { spawn, execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * `port` 0 lets the server pick one (pages at http://127.0.0.1:<port>). With
 * `host: 'localhost'` a free port is chosen here and passed to the server, so
 * its default base URL, http://localhost:<port>, is where the pages are opened:
 * the origin magic links may point into and passkeys are made for.
 */
export async function startServer({ bin, webDir, extraArgs = [], host = '127.0.0.1' }) {
  const fixedPort = host === 'localhost' ? await freePort() : 0;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'gatehouse-e2e-'));
  const args = [
    'serve',
    '--port',
    String(fixedPort),
    '--address',
    '127.0.0.1',
    '--data',
    dataDir,
    '--web-dir',
    webDir,
    ...extraArgs,
  ];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  // The first admin, announced once at first start; its one-time password is in a 0600
  // file in the data directory, never on the console.
  const admin = {};
  const remember = (line) => {
    log.push(line);
    if (log.length > 400) log.shift();
    const match = /^admin account: (\S+)\s+one-time password in (\S+)/.exec(line);
    if (match) {
      admin.email = match[1];
      admin.password = readFileSync(match[2], 'utf8').trim();
    }
  };
  readline.createInterface({ input: child.stderr }).on('line', remember);

  const cleanUp = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  };

  let port;
  let config;
  try {
    port = await waitForListening(child, log, remember);
    await waitForHealth(`http://127.0.0.1:${port}`);
    config = await (await fetch(`http://127.0.0.1:${port}/gatehouse/config.json`)).json();
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const baseUrl = `http://${host}:${port}`;

  return {
    baseUrl,
    dataDir,
    projectId: config.projectId,
    log,
    /** { email, password } of the first admin (password: the one-time one). */
    admin,
    /** Runs `gatehouse <args…> --data <dataDir>`, e.g. cli('user', 'set-roles', email, 'teacher'). */
    async cli(...cliArgs) {
      const [noun, verb, ...rest] = cliArgs;
      const { stdout } = await run(bin, [noun, verb, '--data', dataDir, ...rest], {
        timeout: 30_000,
      });
      return stdout;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A TCP port free on 127.0.0.1 right now (the server binds it a moment later). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function waitForHealth(baseUrl) {
  const deadline = Date.now() + 10_000;
  let last;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.ok) return;
      last = `status ${res.status}`;
    } catch (error) {
      last = error.message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${baseUrl}/healthz did not answer 200: ${last}`);
}

function waitForListening(child, log, remember) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(`server did not report "listening" within 20 s:\n${log.join('\n')}`),
        ),
      20_000,
    );
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${child.spawnfile}: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited early (${code ?? signal}):\n${log.join('\n')}`));
    });
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      remember(line);
      try {
        const entry = JSON.parse(line);
        if (entry.msg === 'listening' && Number.isInteger(entry.port)) {
          clearTimeout(timer);
          resolve(entry.port);
        }
      } catch {
        // not a JSON log line
      }
    });
  });
}
