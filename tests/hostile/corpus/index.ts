import type { HostileArticle } from './articles.ts';
import { markdownCases, nestingCases, yamlCases } from './articles.ts';
import { dateCases, fileCases, idCases, textCases, urlCases } from './fields.ts';

/** Every hostile article case, built afresh on each call. */
export function hostileArticles(): HostileArticle[] {
  return [...yamlCases(), ...nestingCases(), ...markdownCases(), ...urlCases(), ...textCases(), ...idCases(), ...dateCases(), ...fileCases()];
}

export type { HostileArticle };
