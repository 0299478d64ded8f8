import type { Request, Response } from 'express';
import type { FormState } from '../platform/http/form-action';
import { idParam } from '../platform/http/validate';
import { unitMaySee } from '../platform/files/attachments';
import type { CaseLean } from './case.model';
import { getCaseFor, type Viewer } from './case.service';
import type { Identity } from './identity.service';
import { nameMaps } from './reference';
import { caseAsSeenBy, visibleHandling } from './case.visibility';

/** What a panel is given to decide what it shows. */
export interface PanelInput {
  c: CaseLean;
  viewer: Viewer;
  /** Commission staff or administrators (who see everything about a case). */
  commission: boolean;
  state: FormState;
}

/**
 * A part of the case page that a feature contributes (routing's triage forms, rectification's
 * handling, escalation's ladder). `load` returns the panel's data, or null when it has nothing
 * to show this viewer; `view` is its partial, relative to views/.
 */
export interface CasePanel {
  name: string;
  view: string;
  /** Under the case's facts (documents, deadlines) or after the timeline (actions); default after. */
  placement?: 'top' | 'bottom';
  load(input: PanelInput): Promise<Record<string, unknown> | null>;
}

export interface CasePageExtras {
  identity?: Identity | null;
  state?: FormState;
}

export function viewerOf(req: Request): Viewer {
  return { role: req.user!.role, userId: req.user!.id, unitId: req.user!.unitId };
}

/**
 * The case page, assembled from the panels the features contribute, in order. Every read goes
 * through the viewer's scope: a unit never gets a case of another unit (404).
 */
export function createCasePage(panels: readonly CasePanel[]) {
  async function model(req: Request, extras: CasePageExtras = {}) {
    const viewer = viewerOf(req);
    const c = await getCaseFor(viewer, idParam(req));
    const commission = viewer.role === 'commission' || viewer.role === 'admin';
    const state = extras.state ?? { errors: {}, values: {} };
    const loaded = await Promise.all(panels.map(async (p) => ({ name: p.name, view: p.view, placement: p.placement ?? 'bottom', data: await p.load({ c, viewer, commission, state }) })));
    return {
      // The panels decide on the case as stored; the page shows what this viewer may see of it.
      c: caseAsSeenBy(c, viewer),
      commission,
      panels: loaded.filter((p) => p.data !== null),
      attachmentVisible: (file: { cleaned?: boolean | null }) => viewer.role !== 'unit' || unitMaySee(file),
      // What of the handling this viewer may see (the timeline, ratings, each unit's own steps).
      visible: visibleHandling(c, viewer),
      identity: extras.identity ?? null,
      errors: state.errors,
      values: state.values,
      ...(await nameMaps()),
    };
  }

  async function render(req: Request, res: Response, extras: CasePageExtras = {}, status = 200): Promise<void> {
    res.status(status).render('cases/detail', await model(req, extras));
  }

  return {
    model,
    render,
    /** For formAction: the case page again with the form's errors. */
    rerender: (req: Request, res: Response, state: FormState, status: number) => render(req, res, { state }, status),
  };
}

export type CasePage = ReturnType<typeof createCasePage>;
