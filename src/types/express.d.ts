import type { TFunction } from 'i18next';
import type { Types } from 'mongoose';
import type { Lang } from '../i18n';
import type { Role } from '../users/user.model';

export interface CurrentUser {
  id: Types.ObjectId;
  username: string;
  displayName: string;
  role: Role;
  unitId: Types.ObjectId | null;
  via: 'session' | 'token';
}

declare global {
  namespace Express {
    interface Request {
      lang: Lang;
      t: TFunction;
      user?: CurrentUser;
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    userId?: string;
    flash?: string;
  }
}

export {};
