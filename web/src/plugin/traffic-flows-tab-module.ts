// Exposed module "TrafficFlowsTab" (console.tab/horizontalNav on Pod, Namespace, Node, Deployment, StatefulSet and DaemonSet details).
export { default } from '../components/traffic-flows/TrafficFlowsTab.tsx';
