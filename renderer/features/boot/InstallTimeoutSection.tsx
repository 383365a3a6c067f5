/**
 * The install timeout (setting `installTimeoutMinutes`): how long an armed install may go without
 * phoning home before Rackpilot marks the node failed. Here, beside the rest of the boot set-up,
 * because there is no app-wide settings page yet.
 */
import { SettingSection } from '../../components/SettingSection';
import { parseInstallTimeout } from './install-timeout-form';

export function InstallTimeoutSection() {
  return (
    <SettingSection
      setting="installTimeoutMinutes"
      title="Install timeout"
      label="Minutes to wait for phone-home"
      hint="A node still installing after this long is marked failed, with its last boot events (and console, on the practice rack) on its timeline. Ubuntu installs take 15–30 min; a practice-rack live boot about 2."
      saveLabel="Save timeout"
      inputMode="numeric"
      parse={(text) => {
        const parsed = parseInstallTimeout(text);
        return 'error' in parsed ? parsed : { value: parsed.minutes };
      }}
    />
  );
}
