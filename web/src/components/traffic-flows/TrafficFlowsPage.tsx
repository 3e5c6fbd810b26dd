// Observe → Traffic Flows (route /traffic-flows).
import { PageSection, Title } from '@patternfly/react-core';
import { useT } from '../../i18n/use-t.ts';
import { TrafficFlowsView } from './TrafficFlowsView.tsx';
import '../../styles/interflow.css';

export default function TrafficFlowsPage() {
  const t = useT();
  return (
    <>
      <PageSection className="interflow-page-header">
        <Title headingLevel="h1">{t('Traffic Flows')}</Title>
        <p className="interflow-subtitle">
          {t(
            'Network flows seen on every interface of the nodes, secondary interfaces (Multus, SR-IOV) included.',
          )}
        </p>
      </PageSection>
      <PageSection className="interflow-page">
        <TrafficFlowsView />
      </PageSection>
    </>
  );
}
