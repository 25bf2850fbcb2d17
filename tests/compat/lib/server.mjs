// A throwaway Gatehouse server for one test file: `gatehouse serve --port 0`
// on 127.0.0.1 with a fresh temporary data directory, stopped (SIGTERM) and
// removed at the end. The binary comes from GATEHOUSE_BIN.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export function gatehouseBin() {
  const bin = process.env.GATEHOUSE_BIN;
  if (!bin) throw new Error('GATEHOUSE_BIN is not set (path to the gatehouse binary)');
  const abs = resolve(bin);
  if (!existsSync(abs)) throw new Error(`GATEHOUSE_BIN=${bin}: no such file`);
  return abs;
}

// The environment without GATEHOUSE_* settings, so a developer's shell
// configuration cannot change what the tests see.
function cleanEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('GATEHOUSE_')) env[k] = v;
  }
  return env;
}

export class GatehouseServer {
  constructor(bin, dataDir, proc) {
    this.bin = bin;
    this.dataDir = dataDir;
    this.proc = proc;
    this.stdout = '';
    this.stderr = '';
    this.baseUrl = '';
    this.projectId = '';
    this.port = 0;
    this.adminLoginId = '';
    this.adminPassword = '';
    this.exited = new Promise((res) => proc.on('exit', (code, signal) => res({ code, signal })));
  }

  // Runs a gatehouse CLI command against this server's data directory and
  // returns its standard output (throws with stderr on a non-zero exit).
  cli(...args) {
    try {
      return execFileSync(this.bin, [...args, '--data', this.dataDir], {
        env: cleanEnv(),
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 30000,
      });
    } catch (e) {
      throw new Error(`gatehouse ${args.join(' ')} failed: ${e.stderr || e.message}`);
    }
  }

  // A new management key; `gatehouse mgmt-key create` prints it as the last line.
  createManagementKey(name = 'compat') {
    const out = this.cli('mgmt-key', 'create', '--name', name).trim().split('\n');
    const key = out[out.length - 1].trim();
    const m = /created management key (\S+)/.exec(out[0]);
    return { key, id: m ? m[1] : undefined };
  }

  // Rows of `gatehouse mgmt-key list`: [{id, name, status}].
  listManagementKeys() {
    const lines = this.cli('mgmt-key', 'list').trim().split('\n').slice(1);
    return lines.map((l) => {
      const f = l.split('\t');
      return { id: f[0], name: f[1], status: f[f.length - 1] };
    });
  }

  revokeManagementKey(id) {
    return this.cli('mgmt-key', 'revoke', id);
  }

  setRoles(loginId, roles) {
    return this.cli('user', 'set-roles', loginId, roles.join(','));
  }

  // keepData: leave the data directory for a restart (startServer({dataDir})).
  async stop({ keepData = false } = {}) {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill('SIGTERM');
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
      await this.exited;
      clearTimeout(timer);
    }
    if (!keepData && !process.env.COMPAT_KEEP_DATA) rmSync(this.dataDir, { recursive: true, force: true });
    if (process.env.COMPAT_SERVER_LOG) {
      process.stderr.write(`--- gatehouse stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}\n`);
    }
  }
}

// Starts a server; resolves once it printed its "listening" line.
// dataDir: reuse a stopped server's data directory (a restart).
export async function startServer({ args = [], timeoutMs = 15000, dataDir } = {}) {
  const bin = gatehouseBin();
  dataDir = dataDir ?? mkdtempSync(join(tmpdir(), 'gh-compat-'));
  const proc = spawn(
    bin,
    ['serve', '--port', '0', '--address', '127.0.0.1', '--data', dataDir,
     '--web-dir', join(dataDir, 'no-web-app'), ...args],
    { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const server = new GatehouseServer(bin, dataDir, proc);
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => { server.stderr += d; });
  proc.stdout.setEncoding('utf8');

  let onExit;
  await new Promise((res, rej) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      rej(new Error(`gatehouse did not print "listening" within ${timeoutMs} ms:\n${server.stdout}\n${server.stderr}`));
    }, timeoutMs);
    onExit = (code) => {
      clearTimeout(timer);
      rej(new Error(`gatehouse serve exited with ${code}:\n${server.stdout}\n${server.stderr}`));
    };
    proc.on('exit', onExit);
    let listening = false;
    proc.stdout.on('data', (d) => {
      server.stdout += d;
      if (listening) return;
      for (const line of server.stdout.split('\n')) {
        // The one-time password is in a 0600 file in the data directory, not on stdout.
        const admin = /^admin account: (\S+)\s+one-time password in (\S+)/.exec(line);
        if (admin) {
          server.adminLoginId = admin[1];
          server.adminPassword = readFileSync(admin[2], 'utf8').trim();
        }
        if (line.includes('"msg":"listening"')) {
          const j = JSON.parse(line);
          server.port = j.port;
          server.projectId = j.project_id;
          server.baseUrl = `http://127.0.0.1:${j.port}`;
          listening = true;
          clearTimeout(timer);
          res();
          return;
        }
      }
    });
  });
  proc.off('exit', onExit);
  return server;
}
