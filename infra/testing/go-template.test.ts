import { render, slice, TemplateError, truthy } from './go-template';

const values = {
  Values: { a: { enabled: true, off: false, name: 'x', list: [], map: { k: 'v' } }, gid: '' },
  Release: { Name: 'istio-ingress' },
};

describe('go-template render', () => {
  it('renders if / else if / else by Go truth, with whitespace trimming', () => {
    const t = 'a:\n  {{- if .Values.a.off }} one{{ else if .Values.a.enabled }} two{{ else }} three{{ end }}\n';
    expect(render(t, { data: values })).toBe('a: two\n');
  });

  it('renders with, include, default, quote and trimPrefix as Helm does', () => {
    const t =
      '{{- define "name" -}}{{ .Values.gid | default .Release.Name | trimPrefix "istio-" }}{{- end -}}{{ with .Values.a.map }}{{ .k | quote }}{{ end }} {{ include "name" . }}';
    expect(render(t, { data: values })).toBe('"v" ingress');
  });

  it('indents toYaml output with nindent', () => {
    expect(render('m:{{ toYaml .Values.a.map | nindent 2 }}', { data: values })).toBe('m:\n  k: v');
  });

  it('answers expressions it does not compute from the table, and refuses them otherwise', () => {
    const t = '{{ if isset .ObjectMeta.Annotations `x` }}yes{{ else }}no{{ end }}';
    expect(render(t, { data: values, table: { 'isset .ObjectMeta.Annotations `x`': false } })).toBe('no');
    expect(() => render(t, { data: values })).toThrow(
      new TemplateError('unknown function "isset" in {{ isset .ObjectMeta.Annotations `x` }}: add the expression\'s value to the table'),
    );
  });

  it('refuses a field the data does not have, except under a lenient path', () => {
    expect(() => render('{{ .Values.a.missing }}', { data: values })).toThrow(TemplateError);
    expect(render('{{ .Values.a.missing | default "d" }}', { data: values, lenientPaths: ['.Values.a.'] })).toBe('d');
  });

  it('refuses to range over a non-empty value and accepts an empty one', () => {
    expect(render('{{ range .Values.a.list }}x{{ end }}ok', { data: values })).toBe('ok');
    expect(() => render('{{ range .Values.a.map }}x{{ end }}', { data: values })).toThrow('range over a non-empty value is not supported');
  });

  it('compares only values of one basic type, as Go does', () => {
    expect(render('{{ eq .Values.a.name "x" }}', { data: values })).toBe('true');
    expect(() => render('{{ eq .Values.a.map "x" }}', { data: values })).toThrow('eq/ne of incomparable values');
  });

  it('fails on an unclosed block', () => {
    expect(() => render('{{ if .Values.a.enabled }}x', { data: values })).toThrow('missing {{ end }}');
  });

  it('truthy follows Go: empty values are false', () => {
    expect([false, 0, '', null, undefined, [], {}].map(truthy)).toEqual([false, false, false, false, false, false, false]);
    expect([true, 1, 'a', [0], { a: 1 }].map(truthy)).toEqual([true, true, true, true, true]);
  });
});

describe('go-template slice', () => {
  const source = 'head\nA\nstart x end y\nstart z end';
  it('cuts from the first start after the unique marker to the next end', () => {
    expect(slice(source, { after: 'A\n', start: 'start', end: 'end' })).toBe('start x ');
  });

  it('fails when a marker is missing or not unique', () => {
    expect(() => slice(source, { start: 'nope', end: 'end' })).toThrow('start marker "nope" not found');
    expect(() => slice(source, { after: 'start', start: 'x', end: 'end' })).toThrow('must occur exactly once');
  });
});
