/**
 * Validate config: the rendered init config is handed to `kubeadm config validate` on the init
 * node before anything is initialised. Only a config that passed is put in its final place, so
 * its presence (with the same content) is what the check looks for on a re-run.
 */
import { createHash } from 'node:crypto';
import { diagnose } from '../../diagnose/diagnose';
import { bootstrapFailure } from '../kubeadm-retry';
import { exitText, outputOf, RACKPILOT_DIR, sameContentTest, sh, tail } from '../node-shell';
import { done, pending, type Phase } from '../phase-runner';
import type { BootstrapRun } from '../types';

export const INIT_CONFIG_PATH = `${RACKPILOT_DIR}/kubeadm-init.yaml`;

/** Writes the rendered init config where `kubeadm init --config` reads it. */
export async function uploadInitConfig(b: BootstrapRun, path = INIT_CONFIG_PATH): Promise<void> {
  await b.deps.remote.writeFile(b.init.node, path, b.rendered.initConfig, { mode: '600', signal: b.signal });
}

async function validate(b: BootstrapRun): Promise<void> {
  const node = b.init.node;
  const candidate = `${INIT_CONFIG_PATH}.unvalidated`;
  await uploadInitConfig(b, candidate);
  const r = await sh(b, node, `kubeadm config validate --config ${candidate}`, { stream: `${node.name}: ` });
  if (r.exitCode === 0) {
    await sh(b, node, `mv -f ${candidate} ${INIT_CONFIG_PATH}`);
    return;
  }
  await sh(b, node, `rm -f ${candidate}`);
  // A config kubeadm rejects is rejected the same way every time (exit 3 is kubeadm's validation
  // code): no retry, the message and the diagnosis say what is wrong with it.
  const output = outputOf(r);
  const diagnoses = diagnose({ step: 'init', exitCode: r.exitCode, output, cgroupDriver: b.spec.runtime.cgroupDriver });
  const cause = diagnoses.length > 0 ? diagnoses.map((d) => d.title).join('; ') : tail(output);
  throw bootstrapFailure(
    `kubeadm rejected the init config rendered for cluster ${b.spec.name} on ${node.name} (${exitText(r)}): ${cause}. Edit the cluster (the diagnosis and the job log say which field), then run the bootstrap again.`,
    diagnoses,
  );
}

export const validateConfigPhase: Phase = {
  name: 'Validate config',
  units: (b) => [
    {
      where: '',
      async check() {
        const sha = createHash('sha256').update(b.rendered.initConfig).digest('hex');
        const r = await sh(b, b.init.node, `${sameContentTest(INIT_CONFIG_PATH, sha)}`);
        return r.exitCode === 0
          ? done(`${INIT_CONFIG_PATH} on ${b.init.node.name} is the rendered config and passed kubeadm config validate`)
          : pending(`the rendered init config has not been validated on ${b.init.node.name} yet`);
      },
      apply: () => validate(b),
    },
  ],
};
