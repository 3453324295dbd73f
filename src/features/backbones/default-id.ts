/**
 * The backbone a new project gets. A leaf module (no Node imports) so the project schema can name
 * it without loading the registry.
 */
export const DEFAULT_BACKBONE_ID = 'mobilenet_v2_nsfwjs';
