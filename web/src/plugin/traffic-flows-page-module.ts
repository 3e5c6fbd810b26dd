// Exposed module "TrafficFlowsPage" (console.page/route /traffic-flows). Inside the console the
// backend is reached through the console's plugin proxy, the default of ApiBaseContext.
export { default } from '../components/traffic-flows/TrafficFlowsPage.tsx';
