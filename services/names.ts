/**
 * Kubernetes name formats the spec's names must satisfy, written as apimachinery writes them
 * (k8s.io/apimachinery `pkg/util/validation/validation.go`; `names.test.ts` compares them
 * with the constants vendored in vendor/kubernetes/apimachinery/<tag>/constants.json).
 */

/** `dns1123LabelFmt`: names of Deployments, ConfigMaps, namespaces. */
export const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';

/** `dns1035LabelFmt`: a Service's name, which also becomes a DNS label, so it starts with a letter. */
export const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';

/** `DNS1123LabelMaxLength` and `DNS1035LabelMaxLength`. */
export const DNS_LABEL_MAX_LENGTH = 63;

const anchored = (fmt: string): RegExp => new RegExp(`^${fmt}$`);
const DNS1123_LABEL = anchored(DNS1123_LABEL_FMT);
const DNS1035_LABEL = anchored(DNS1035_LABEL_FMT);

/** `validation.IsDNS1123Label`, as a yes/no. */
export const isDNS1123Label = (value: string): boolean => value.length <= DNS_LABEL_MAX_LENGTH && DNS1123_LABEL.test(value);

/** `validation.IsDNS1035Label`, as a yes/no: what `ValidateServiceName` requires of a Service's name. */
export const isDNS1035Label = (value: string): boolean => value.length <= DNS_LABEL_MAX_LENGTH && DNS1035_LABEL.test(value);
