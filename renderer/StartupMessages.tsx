/** Full-page messages shown instead of the app while it cannot run. */

export function TokenRequired() {
  return (
    <main className="startup">
      <div className="startup-card" role="alert" data-testid="token-required">
        <h1>Access token needed</h1>
        <p>
          This Rackpilot server needs its access token. Open the URL the server printed at start (it ends in
          #token=…).
        </p>
      </div>
    </main>
  );
}

export function StartupMessage({ title, detail }: { title: string; detail?: string }) {
  return (
    <main className="startup">
      <div className="startup-card" role="status">
        <h1>{title}</h1>
        {detail && <p>{detail}</p>}
      </div>
    </main>
  );
}
