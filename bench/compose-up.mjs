/**
 * Compose stacks (issue 6): a 10-service stack on the local Docker Engine, cold `up` and no-op
 * `up`, Rackpilot vs Debian's `docker-compose up -d` (1.29), same run, medians. Targets: cold
 * ≤ 1.0× docker-compose; no-op < 1 s and ≤ 0.5× docker-compose.
 *
 * The stack (compose-stack.mjs): ten busybox services (sleep or httpd) on one network, each with
 * environment, its own named volume and a loopback port, some with depends_on — the same file
 * for both tools, only the host ports differ. The image is local, so neither side pulls: both
 * measure creating networks, volumes and containers and starting them in dependency order.
 *
 * Rackpilot: the built headless server (dist/electron/server.cjs), one process for the whole run
 * as a user's would be; the stack stored once with `stacks.save`, then each deploy timed from
 * sending `stacks.apply` (which plans against the engine, then applies) to the `jobs.changed`
 * event that says the job succeeded. docker-compose: `docker-compose -p <name> -f compose.yaml
 * up -d`, timed from spawn to exit (starting Python is part of every docker-compose command, as
 * answering a request is part of Rackpilot's). Distinct project names, so neither tool sees the
 * other's containers.
 *
 * Cold: nothing of the project exists (each tool's own down with volumes, then a docker CLI sweep
 * of anything left). No-op: `up` again with nothing changed; the container ids must stay the same.
 * One untimed warm-up round per side (page cache, Python bytecode, the server's first calls), then
 * BENCH_COMPOSE_RUNS rounds (default 5), the order of the two sides alternating each round.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyStack, dockerCompose, downStack, saveStack, startRackpilot, timePlan } from './compose-sides.mjs';
import { IMAGE, SERVICES, composeYaml, ensureImage, expectRunning, freePorts, prerequisites, projectContainers, sweepProject } from './compose-stack.mjs';
import { cpuBusy, environment, isMainModule, loadWarning, median, metric, removeTempDir, runStandalone, tempDir } from './lib.mjs';

export const name = 'compose-up';
const RUNS = Number(process.env.BENCH_COMPOSE_RUNS ?? 5);
const COLD_RATIO = 1.0;
const NOOP_MS = 1000;
const NOOP_RATIO = 0.5;

const idsOf = (project) => [...projectContainers(project).keys()].sort().join();

/** A no-op must leave every container as it was; returns how many were replaced. */
function replacedCount(before, project) {
  const after = new Set(idsOf(project).split(','));
  return before.split(',').filter((id) => !after.has(id)).length;
}

export async function run() {
  const versions = prerequisites();
  ensureImage();
  const busyBefore = await cpuBusy();
  const dir = tempDir('rackpilot-bench-compose-');
  const rpName = `rpb-compose-rp-${process.pid}`;
  const dcName = `rpb-compose-dc-${process.pid}`;
  const ports = await freePorts(SERVICES.length * 2);
  const dcFile = join(dir, 'compose.yaml');
  writeFileSync(dcFile, composeYaml(ports.slice(SERVICES.length)));
  let rp = null;
  try {
    sweepProject(rpName);
    sweepProject(dcName);
    await dockerCompose(dcName, dcFile, dir, ['config', '-q']); // the peer accepts the file
    rp = await startRackpilot();
    await saveStack(rp, rpName, composeYaml(ports.slice(0, SERVICES.length)));

    const s = { rpCold: [], rpNoop: [], rpPlan: [], dcCold: [], dcNoop: [], replaced: { rp: 0, dc: 0 } };
    const rackpilotRound = async (timed) => {
      const cold = await applyStack(rp, rpName);
      expectRunning(rpName, 'Rackpilot cold apply');
      const before = idsOf(rpName);
      const noop = await applyStack(rp, rpName);
      expectRunning(rpName, 'Rackpilot no-op apply');
      const plan = await timePlan(rp, rpName);
      if (timed) {
        s.rpCold.push(cold);
        s.rpNoop.push(noop);
        s.rpPlan.push(plan);
        s.replaced.rp += replacedCount(before, rpName);
      }
      await downStack(rp, rpName);
      sweepProject(rpName);
    };
    const composeRound = async (timed) => {
      const cold = await dockerCompose(dcName, dcFile, dir, ['up', '-d']);
      expectRunning(dcName, 'docker-compose cold up');
      const before = idsOf(dcName);
      const noop = await dockerCompose(dcName, dcFile, dir, ['up', '-d']);
      expectRunning(dcName, 'docker-compose no-op up');
      if (timed) {
        s.dcCold.push(cold.ms);
        s.dcNoop.push(noop.ms);
        s.replaced.dc += replacedCount(before, dcName);
      }
      await dockerCompose(dcName, dcFile, dir, ['down', '-v', '--remove-orphans']);
      sweepProject(dcName);
    };
    await rackpilotRound(false);
    await composeRound(false);
    for (let i = 0; i < RUNS; i++) {
      if (i % 2) {
        await composeRound(true);
        await rackpilotRound(true);
      } else {
        await rackpilotRound(true);
        await composeRound(true);
      }
    }
    return report(s, versions, busyBefore);
  } finally {
    await rp?.stop();
    for (const project of [rpName, dcName]) {
      try {
        sweepProject(project);
      } catch (err) {
        console.error(`compose-up: could not remove everything of ${project}: ${err.message}`);
      }
    }
    removeTempDir(dir);
  }
}

const sec = (ms) => `${(ms / 1000).toFixed(2)} s`;
const ratio = (r) => `${r.toFixed(2)}×`;

/** Median time of each job phase over the runs, in the order the job went through them. */
function phaseMedians(runs) {
  const byPhase = new Map();
  for (const r of runs) for (const p of r.phases) byPhase.set(p.phase, [...(byPhase.get(p.phase) ?? []), p.ms]);
  return [...byPhase].map(([phase, values]) => ({ phase, ms: median(values), runs: values.length }));
}
const phaseLine = (phases) => phases.map((p) => `${p.phase} ${Math.round(p.ms)} ms`).join(' → ');

function report(s, versions, busyBefore) {
  const ms = (runs) => runs.map((r) => r.ms);
  const rpCold = median(ms(s.rpCold));
  const rpNoop = median(ms(s.rpNoop));
  const dcCold = median(s.dcCold);
  const dcNoop = median(s.dcNoop);
  const coldRatio = rpCold / dcCold;
  const noopRatio = rpNoop / dcNoop;
  const coldVerdict = coldRatio <= COLD_RATIO ? 'PASS' : 'FAIL';
  const noopOk = rpNoop < NOOP_MS && noopRatio <= NOOP_RATIO && s.replaced.rp === 0;
  const noopVerdict = noopOk ? 'PASS' : 'FAIL';
  const phases = { cold: phaseMedians(s.rpCold), noop: phaseMedians(s.rpNoop) };
  const replacedNote = (n, who) => (n ? `⚠ ${who}'s no-op up replaced ${n} container(s) over the runs: it was not a no-op.` : null);

  const lines = [
    `### Compose up: ${SERVICES.length}-service stack on the local engine, Rackpilot vs docker-compose ${versions.compose} (Docker ${versions.engine})`,
    '',
    '| run | runs | Rackpilot median | docker-compose up -d median | ratio (Rackpilot / docker-compose) | target | verdict |',
    '|---|---:|---:|---:|---:|---:|---|',
    `| cold up (create + start ${SERVICES.length} services, network, volumes) | ${RUNS} | ${sec(rpCold)} | ${sec(dcCold)} | ${ratio(coldRatio)} | ≤ ${COLD_RATIO.toFixed(1)}× | ${coldVerdict} |`,
    `| no-op up (nothing changed) | ${RUNS} | ${sec(rpNoop)} | ${sec(dcNoop)} | ${ratio(noopRatio)} | < ${NOOP_MS / 1000} s and ≤ ${NOOP_RATIO}× | ${noopVerdict} |`,
    `| \`stacks.plan\` alone, unchanged stack | ${RUNS} | ${sec(median(ms(s.rpPlan)))} | — | — | — | — |`,
    '',
    `Rackpilot's apply job, median per phase — cold: ${phaseLine(phases.cold)}; no-op: ${phaseLine(phases.noop)}. ` +
      `\`stacks.apply\` answered (job started) in ${Math.round(median(s.rpCold.map((r) => r.acceptedMs)))} ms cold, ${Math.round(median(s.rpNoop.map((r) => r.acceptedMs)))} ms no-op.`,
    `Times: Rackpilot from sending \`stacks.apply\` (it plans, then applies) to the job's final \`jobs.changed\` event, server already running; ` +
      `docker-compose from spawn to exit of \`docker-compose -p <name> -f compose.yaml up -d\` (Python start-up included). ` +
      `The image (\`${IMAGE}\`) is local for both: no pulls, both measure creating the network, ${SERVICES.length} volumes and ${SERVICES.length} containers and starting them in depends_on order. ` +
      `Cold = nothing of the project exists (down with volumes between runs); no-op = up again unchanged, container ids checked unchanged. ` +
      `${RUNS} interleaved rounds after one untimed warm-up round per side.`,
    ...[replacedNote(s.replaced.rp, 'Rackpilot'), replacedNote(s.replaced.dc, 'docker-compose'), loadWarning(busyBefore)].filter(Boolean),
  ];
  const metrics = [
    metric('Rackpilot cold up', ms(s.rpCold), { note: `${ratio(coldRatio)} docker-compose` }),
    metric('docker-compose up -d, cold', s.dcCold),
    metric('Rackpilot no-op up', ms(s.rpNoop), { target: NOOP_MS, note: `${ratio(noopRatio)} docker-compose` }),
    metric('docker-compose up -d, no-op', s.dcNoop),
    metric('Rackpilot stacks.plan alone, unchanged', ms(s.rpPlan)),
    { ...metric('cold ratio of medians (Rackpilot / docker-compose)', [coldRatio], { unit: '×' }), target: COLD_RATIO, verdict: coldVerdict },
    { ...metric('no-op ratio of medians (Rackpilot / docker-compose)', [noopRatio], { unit: '×' }), target: NOOP_RATIO, verdict: noopRatio <= NOOP_RATIO ? 'PASS' : 'FAIL' },
  ];
  return {
    name,
    title: `Compose up, ${SERVICES.length} services: Rackpilot vs docker-compose`,
    environment: { ...environment(), cpuBusyBefore: busyBefore, dockerEngine: versions.engine, dockerCompose: versions.compose },
    runs: RUNS,
    ratios: { cold: coldRatio, noop: noopRatio },
    phases,
    replacedOnNoop: s.replaced,
    metrics,
    table: lines.join('\n'),
  };
}

if (isMainModule(import.meta.url)) runStandalone(run, { showStack: true });
