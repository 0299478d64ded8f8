// Who can use the system (DESIGN section 2). Kept in the platform so every feature's routes can
// name the roles they allow without importing the users feature.
export const ROLES = ['commission', 'admin', 'unit', 'supervisor'] as const;
export type Role = (typeof ROLES)[number];
