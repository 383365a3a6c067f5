/** A page whose feature does not exist yet: says so plainly, and what it will do. */
export function NotBuiltPage({ title, what }: { title: string; what: string }) {
  return (
    <section className="page-section" aria-labelledby="page-title">
      <h1 id="page-title">{title}</h1>
      <p className="not-built">{what}</p>
    </section>
  );
}
