/**
 * The Labs page (issue 8 §5): the catalog of guided labs with the learner's progress (route
 * #/labs), and one lab (route #/labs/<id>): its steps, the step text beside live check results,
 * a terminal to its nodes, and the next thing to do.
 */
import { useEffect } from 'react';
import { navigate, useRouteItem } from '../../router';
import { followLabs, loadCatalog } from '../../stores/labs';
import { LabCatalogView } from './LabCatalogView';
import { LabView } from './LabView';
import './labs.css';

export function LabsPage() {
  const open = useRouteItem();

  useEffect(() => {
    followLabs();
    void loadCatalog();
  }, []);

  return (
    <section className="page-section labs-page" aria-labelledby="page-title">
      {open ? <LabView key={open} labId={open} onClose={() => navigate('labs')} /> : <LabCatalogView />}
    </section>
  );
}
