// Docker image references, pure: one grammar (distribution/reference) for
// validating the image input and for every part a deploy needs of a reference.

const DOMAIN = String.raw`(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?`;
const PATH_COMPONENT = String.raw`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`;
const REFERENCE_RE = new RegExp(
  String.raw`^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$`,
);
/** A registry host as the registry input takes it. */
export const REGISTRY_RE = new RegExp(`^${DOMAIN}$`);

export interface ImageRef {
  /** The registry host, docker.io when the reference names none. */
  registry: string;
  /** The reference without tag and digest (registry included when it names one): what `docker image ls` filters by. */
  repository: string;
  /** Its last path component: the app's default name. */
  name: string;
  tag?: string;
  digest?: string;
}

/** The parts of a reference, or undefined when it is not one. */
export function parseImageRef(reference: string): ImageRef | undefined {
  const m = REFERENCE_RE.exec(reference);
  if (!m) return undefined;
  const [, first, path, tag, digest] = m;
  // As Docker reads it: a first component is a registry only if it looks like a host.
  const isRegistry = first !== undefined && /[.:[]|^localhost$/.test(first);
  if (first !== undefined && !isRegistry && !new RegExp(`^${PATH_COMPONENT}$`).test(first)) return undefined;
  const fullPath = first !== undefined && !isRegistry ? `${first}/${path}` : path;
  return {
    registry: isRegistry ? first : 'docker.io',
    repository: isRegistry ? `${first}/${fullPath}` : fullPath,
    name: fullPath.split('/').pop() ?? fullPath,
    tag,
    digest,
  };
}

/** The repository of a reference (itself, without tag or digest, when it does not parse). */
export const repositoryOf = (image: string): string => parseImageRef(image)?.repository ?? image.split('@')[0];
export const registryOf = (image: string): string => parseImageRef(image)?.registry ?? 'docker.io';
/** The app name a bare image implies: its last path component. */
export const appFromImage = (image: string): string => parseImageRef(image)?.name ?? '';

/** The image a deploy pulled, as Docker runs exactly it whatever its tag names meanwhile: by the
 * registry digest of its repository, or by its local id when it never had one. */
export const pinnedRef = (image: string, identity: { digest: string; id: string }): string =>
  identity.digest === identity.id ? identity.id : `${repositoryOf(image)}@${identity.digest}`;
