/**
 * Simulated hosts for the queue benchmark: each host is a Linux network
 * namespace (its own loopback and interfaces, so it cannot reach the
 * coordinator's 127.0.0.1) with one veth link to a bridge in the caller's
 * namespace, which is the coordinator's side of the LAN:
 *
 *   coordinator (this namespace)  bridge oq<id>br  10.219.X.1/24
 *     host h1: netns oqat-<id>-h1, eth0 10.219.X.11/24 ── veth oq<id>h1 ── bridge
 *     host h2: netns oqat-<id>-h2, eth0 10.219.X.12/24 ── veth oq<id>h2 ── bridge
 *
 * A service the hosts should reach listens on `lan.coordinatorIp`. The
 * hosts share this machine's CPUs, memory and file system (only the network
 * is separate). No latency is added to the links (veth: tens of µs); `tc
 * qdisc netem` would do it, but this kernel has no netem.
 *
 * Needs root (ip netns, ip link). Names carry this process's pid (base 36)
 * and a counter, so two runs never collide, and `removeStaleLans()` can
 * remove what a SIGKILLed run left behind. Everything created (processes
 * started in the hosts, links, namespaces, the bridge) is removed by
 * `lan.close()`, on process exit, on an uncaught error, and on SIGINT/SIGTERM.
 *
 * Bench code, not product code: `oqat worker` only takes a redis:// URL.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';

const NETNS_PREFIX = 'oqat-';
const pidTag = process.pid.toString(36);
let lanCount = 0;

export interface SimulatedHost {
  /** Host name in the LAN (h1, h2, ...). */
  name: string;
  /** Its network namespace (`ip netns exec NETNS ...`). */
  netns: string;
  /** Its address on the LAN. */
  ip: string;
  /** Starts a process inside the host's namespace; it is killed by `lan.close()`. */
  spawn(command: string, args: string[], options?: SpawnOptions): ChildProcess;
  /** Whether a TCP connection from inside this host to ip:port succeeds within timeoutMs. */
  canConnect(ip: string, port: number, timeoutMs?: number): boolean;
}

export interface SimulatedLan {
  /** The coordinator's address on the LAN (the bridge's, in this process's namespace). */
  coordinatorIp: string;
  hosts: SimulatedHost[];
  /** Creates one more host, with the next address. */
  addHost(name?: string): SimulatedHost;
  /** Kills the processes started in the hosts and removes the hosts and the bridge. Idempotent. */
  close(): void;
}

export class NetnsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetnsError';
  }
}

function ip(...args: string[]): string {
  try {
    return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; code?: string; message: string };
    if (err.code === 'ENOENT') throw new NetnsError("simulated hosts need the 'ip' command (iproute2)");
    const why = (err.stderr ?? err.message).trim().split('\n')[0];
    throw new NetnsError(`ip ${args.join(' ')}: ${why}${process.getuid?.() === 0 ? '' : ' (network namespaces need root)'}`);
  }
}

const quietly = (f: () => unknown) => {
  try {
    f();
  } catch {
    // already gone
  }
};

/** A TCP connect from this process's namespace (or, with netns, from inside that namespace); true when it succeeds. */
export function canConnect(address: string, port: number, netns?: string, timeoutMs = 2000): boolean {
  const script =
    `const s=require('node:net').connect(${port},${JSON.stringify(address)});` +
    `s.setTimeout(${timeoutMs},()=>process.exit(2));s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1));`;
  const argv = netns ? ['ip', 'netns', 'exec', netns, process.execPath, '-e', script] : [process.execPath, '-e', script];
  return spawnSync(argv[0]!, argv.slice(1), { stdio: 'ignore', timeout: timeoutMs + 5000 }).status === 0;
}

/** A free /24 in 10.219.0.0/16 that no interface of this namespace uses. */
function freeSubnet(): number {
  const used = new Set([...ip('-o', '-4', 'addr').matchAll(/inet 10\.219\.(\d+)\./g)].map((m) => Number(m[1])));
  const start = 1 + ((process.pid + lanCount * 37) % 250);
  for (let k = 0; k < 250; k++) {
    const x = 1 + ((start - 1 + k) % 250);
    if (!used.has(x)) return x;
  }
  throw new NetnsError('no free 10.219.X.0/24 subnet for the simulated LAN');
}

/**
 * Creates the coordinator's side (a bridge with 10.219.X.1/24) and `hosts`
 * simulated hosts. Throws a NetnsError (after removing what it created) when
 * the machine does not allow it.
 */
export function createLan(hosts = 0): SimulatedLan {
  const id = `${pidTag}${(lanCount++ % 36).toString(36)}`;
  const bridge = `oq${id}br`;
  const namespaces: string[] = [];
  const links: string[] = [];
  const children: ChildProcess[] = [];
  let closed = false;
  let bridgeMade = false;

  const close = () => {
    if (closed) return;
    closed = true;
    process.off('exit', close);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    for (const c of children) if (c.exitCode === null && c.signalCode === null) quietly(() => c.kill('SIGKILL'));
    // Deleting our veth end removes both ends at once, even while a dying process still holds the namespace.
    for (const l of links) quietly(() => ip('link', 'del', l));
    for (const n of namespaces) quietly(() => ip('netns', 'del', n));
    if (bridgeMade) quietly(() => ip('link', 'del', bridge));
  };
  // process.exit runs the other 'exit' listeners (the caller's own cleanup) too.
  const onSignal = (signal: NodeJS.Signals) => {
    close();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('exit', close);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let subnet: number;
  try {
    ip('link', 'add', bridge, 'type', 'bridge');
    bridgeMade = true;
    subnet = freeSubnet();
    ip('addr', 'add', `10.219.${subnet}.1/24`, 'dev', bridge);
    ip('link', 'set', bridge, 'up');
  } catch (e) {
    close();
    throw e;
  }

  const lan: SimulatedLan = {
    coordinatorIp: `10.219.${subnet}.1`,
    hosts: [],
    addHost(name = `h${lan.hosts.length + 1}`) {
      if (closed) throw new NetnsError('the simulated LAN is closed');
      const index = lan.hosts.length + 1;
      if (index > 200) throw new NetnsError('at most 200 simulated hosts');
      if (!/^[a-z0-9]{1,3}$/.test(name) || lan.hosts.some((h) => h.name === name)) throw new NetnsError(`host name '${name}': 1-3 letters/digits, unique`);
      const netns = `${NETNS_PREFIX}${id}-${name}`;
      const outside = `oq${id}${name}`;
      const inside = `${outside}p`;
      const address = `10.219.${subnet}.${10 + index}`;
      try {
        ip('netns', 'add', netns);
        namespaces.push(netns);
        ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
        links.push(outside);
        ip('link', 'set', outside, 'master', bridge, 'up');
        ip('link', 'set', inside, 'netns', netns);
        ip('-n', netns, 'link', 'set', inside, 'name', 'eth0');
        ip('-n', netns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
        ip('-n', netns, 'link', 'set', 'eth0', 'up');
        ip('-n', netns, 'link', 'set', 'lo', 'up');
      } catch (e) {
        close();
        throw e;
      }
      const host: SimulatedHost = {
        name, netns, ip: address,
        spawn(command, args, options = {}) {
          // `ip netns exec` execs the command in place: the child's pid is the command's, so kill() reaches it.
          const child = spawn('ip', ['netns', 'exec', netns, command, ...args], options);
          children.push(child);
          return child;
        },
        canConnect: (to, port, timeoutMs) => canConnect(to, port, netns, timeoutMs),
      };
      lan.hosts.push(host);
      return host;
    },
    close,
  };
  try {
    for (let i = 0; i < hosts; i++) lan.addHost();
  } catch (e) {
    close();
    throw e;
  }
  return lan;
}

/**
 * Removes what runs whose process is gone (a SIGKILLed benchmark) left: the processes still running in their
 * namespaces (orphaned workers), the namespaces, the bridges. Returns the names removed.
 */
export function removeStaleLans(): string[] {
  const alive = (tag: string) => {
    try {
      process.kill(parseInt(tag, 36), 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  };
  const removed: string[] = [];
  // The id is the pid in base 36 plus one base-36 counter digit.
  const stale = (id: string) => !alive(id.slice(0, -1));
  for (const line of ip('netns', 'list').split('\n')) {
    const m = /^(oqat-([0-9a-z]+)-[0-9a-z]+)\b/.exec(line);
    if (m && stale(m[2]!)) {
      // The dead run's orphans (its workers) still live in the namespace: stop them first.
      for (const pid of ip('netns', 'pids', m[1]!).split('\n').filter(Boolean)) quietly(() => process.kill(Number(pid), 'SIGKILL'));
      quietly(() => ip('netns', 'del', m[1]!));
      removed.push(m[1]!);
    }
  }
  for (const m of ip('-o', 'link', 'show', 'type', 'bridge').matchAll(/^\d+: (oq([0-9a-z]+)br)[:@]/gm)) {
    if (stale(m[2]!)) {
      // Host ends of veth pairs whose namespace still holds a live process (an orphaned worker) stay on the bridge.
      for (const v of ip('-o', 'link', 'show', 'master', m[1]!).matchAll(/^\d+: ([^:@\s]+)[:@]/gm)) quietly(() => ip('link', 'del', v[1]!));
      quietly(() => ip('link', 'del', m[1]!));
      removed.push(m[1]!);
    }
  }
  return removed;
}
