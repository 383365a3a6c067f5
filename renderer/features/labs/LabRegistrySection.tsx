/**
 * The lab registry (setting `labRegistry`): practice nodes usually have no internet, so when a lab
 * starts Rackpilot points the nodes' Docker at this registry (`registry-mirrors`), and `image:
 * nginx` in a lab pulls from it. Shown on the Labs page, the only place it matters.
 */
import { settingsSchema } from '../../../shared/domain/settings';
import { SettingSection } from '../../components/SettingSection';

const registry = settingsSchema.shape.labRegistry;

export function LabRegistrySection() {
  return (
    <SettingSection
      setting="labRegistry"
      title="Registry for lab nodes"
      label="Docker registry (host:port)"
      hint="When a lab starts, its nodes' Docker pulls Docker Hub images (nginx, busybox…) through this registry over plain HTTP — for practice nodes without internet. Leave empty to use Docker's default."
      saveLabel="Save registry"
      placeholder="10.78.0.1:5000"
      className="lab-registry"
      parse={(text) => {
        const parsed = registry.safeParse(text.trim());
        return parsed.success ? { value: parsed.data } : { error: parsed.error.issues[0]?.message ?? 'Not a registry address' };
      }}
    />
  );
}
