/** The built-in demo project ("Try a demo project" in the app, `framewise demo` on the command line). */
export {
  createDemoProject,
  isDemoProject,
  DEMO_MARKER,
  DEMO_MODEL_NAME,
  DEMO_CAPTIONER_NAME,
  DEMO_SETTINGS,
  DEMO_TRAIN_CONFIG,
  DEMO_CAPTIONER_CONFIG,
  type CreateDemoOptions,
  type DemoProgress,
  type DemoStep,
  type DemoSummary,
} from './create.js';
export {
  demoPlan,
  DEMO_ACTIONS,
  DEMO_CLASS_COLORS,
  type DemoAction,
  type DemoPlanOptions,
  type DemoSegmentPlan,
  type DemoVideoPlan,
} from './plan.js';
