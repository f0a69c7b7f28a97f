#!/usr/bin/env python3
"""Derives CMAG's WCO-aligned vocabulary for declarations and responses from a WCO DM DEC-DMS / RES-DMS schema set.

Run by developers when the carried WCO subset changes (not part of the build):

    W=../shared/wco/hmrc__customs-declarations/public/api/conf/3.0/schemas/wco
    python3 tools/wco-subset/generate.py $W/declaration $W/notification ../shared/wco/field-catalogue.tsv

It walks WCO_DEC_2_DMS.xsd and WCO_RES_2_DMS.xsd (the operator-held WCO schemas; nothing of them is copied) and
writes CMAG's own files:
  schemas/xsd/cmag-wco-declaration-1.xsd   the Declaration (42A) tree in urn:cmag:exchange:1: WCO element names, WCO
                                           IDs in xs:appinfo, CMAG's own value types (strings; structure is checked)
  schemas/xsd/cmag-wco-response-1.xsd      the same for the WCO RES Response (07B); its Declaration is the one above
  schemas/mapping/wco-dec-paths.tsv        every DEC path with its WCO ID, pointer, kind, cardinality, carried or not, and
                                           its data category (personal-direct, commercial-confidential, ...) taken from the
                                           field catalogue's classification, with CMAG's own corrections (CATEGORY_OVERRIDES)
  schemas/mapping/wco-res-paths.tsv        the same for RES
  schemas/national/declaration.schema.json JSON Schema of the national JSON declaration format (same tree, lowerCamel)
  docs/wco-mapping.md                      the human-readable mapping tables
"""
import json, os, re, sys
import xml.etree.ElementTree as ET

XS = '{http://www.w3.org/2001/XMLSchema}'
LEAF_ATTRS = ['currencyID', 'unitCode', 'languageID', 'listID', 'listAgencyID', 'schemeID']
# Classes deliberately not carried (reported as unmapped): the declarant's signature/authentication data and guarantee
# references with their access codes are credentials, not assistance data.
NOT_CARRIED = {'Declaration/Authentication', 'Declaration/ObligationGuarantee'}
# Data categories policies can name (fieldRules `category:`). The field catalogue's heuristic classification is the seed;
# these are CMAG's corrections to it, reviewed with the DPO (DOMAIN.md section 14.1).
CATEGORIES = ['PERSONAL-DIRECT', 'PERSONAL-INDIRECT', 'COMMERCIAL-CONFIDENTIAL', 'COMMERCIAL', 'FREE-TEXT', 'OPERATIONAL',
              'OPERATIONAL-REFERENCE']
CATEGORY_OVERRIDES = {
    # the contact office is an office of the administration (its ID is an office code, not commercial data)
    'Response/ContactOffice/ID': 'OPERATIONAL',
}
OUT = os.path.join(os.path.dirname(__file__), '..', '..')


def esc(s):
    return s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')


def own_doc(el, tag):
    ann = el.find(XS + 'annotation') if el is not None else None
    if ann is None:
        return ''
    for d in ann.findall(XS + 'documentation'):
        for x in d.iter():
            if x.tag.endswith(tag) and x.text and x.text.strip():
                return ' '.join(x.text.split())
    return ''


def tree(schema_file, ds_file):
    doc = ET.parse(schema_file).getroot()
    ds = ET.parse(ds_file).getroot()
    named = {ct.get('name'): ct for ct in doc.findall(XS + 'complexType')}
    dstypes = {t.get('name'): t for t in ds if t.get('name')}

    def udt_base(typename):
        t = dstypes.get((typename or '').split(':')[-1])
        for r in (t.iter() if t is not None else []):
            b = r.get('base')
            if b and b.startswith('udt:'):
                return b[4:]
        return ''

    rows = []

    def walk(el, parent, parent_pointer):
        if el.get('ref'):
            # the full DEC Declaration a RES may carry: a sibling of RES's own Declaration class, so in the one exchange
            # namespace it is FullDeclaration, of the exchange Declaration type
            rows.append(dict(path=parent + '/FullDeclaration', wco_id='42A', name='Declaration', kind='declaration',
                             min=el.get('minOccurs', '1'), max=el.get('maxOccurs', '1'), carried='yes',
                             pointer=parent_pointer + '/42A', format='', codes=''))
            return
        name = el.get('name')
        path = parent + '/' + name if parent else name
        ct = el.find(XS + 'complexType')
        typ = el.get('type')
        if ct is None and typ in named:
            ct = named[typ]
        wid = own_doc(el, 'WCOID') or own_doc(dstypes.get((typ or '').split(':')[-1]), 'WCOID')
        kind = 'class' if ct is not None else ('datetime' if udt_base(typ) == 'DateTimeType' else 'leaf')
        pointer = ((parent_pointer + '/' if parent_pointer else '') + (wid or name)) if kind == 'class' \
            else parent_pointer + ':' + (wid or name)
        carried = not any(path == p or path.startswith(p + '/') for p in NOT_CARRIED)
        rows.append(dict(path=path, wco_id=wid, name=own_doc(el, 'WCOName') or name, kind=kind, min=el.get('minOccurs', '1'),
                         max=el.get('maxOccurs', '1'), carried='yes' if carried else 'no', pointer=pointer,
                         format=own_doc(el, 'WCOFormat'), codes=own_doc(el, 'WCOCodeRemarks')))
        if ct is not None:
            seq = ct.find(XS + 'sequence')
            for c in (seq.findall(XS + 'element') if seq is not None else []):
                walk(c, path, pointer)

    walk(doc.find(XS + 'element'), '', '')
    return rows


def write_table(rows, file, source):
    with open(os.path.join(OUT, file), 'w') as f:
        f.write('# Generated by tools/wco-subset/generate.py from %s (WCO DM 3.6 DMS). Do not edit.\n' % source)
        cols = ['path', 'wco_id', 'name', 'kind', 'min', 'max', 'carried', 'pointer', 'format', 'codes', 'category']
        f.write('\t'.join(cols) + '\n')
        for r in rows:
            f.write('\t'.join(r[c] for c in cols) + '\n')


def categorise(rows, catalogue):
    """Every leaf gets a data category: the catalogue's classification, or CMAG's override; classes get none."""
    for r in rows:
        if r['kind'] in ('class', 'declaration'):
            r['category'] = ''
            continue
        c = CATEGORY_OVERRIDES.get(r['path']) or catalogue.get(r['path'], '')
        if r['carried'] == 'yes' and c not in CATEGORIES:
            sys.exit('no data category for carried path %s (catalogue says %r)' % (r['path'], c))
        r['category'] = c


def read_catalogue(file):
    out = {}
    with open(file) as f:
        head = f.readline().rstrip('\n').split('\t')
        for line in f:
            row = dict(zip(head, line.rstrip('\n').split('\t')))
            out[row['path']] = row['classification']
    return out


def children_of(rows):
    children = {}
    for r in rows:
        parent = r['path'].rsplit('/', 1)[0] if '/' in r['path'] else None
        children.setdefault(parent, []).append(r)
    return children


def tname(path):
    return path.replace('/', '.') + 'Type'


def appinfo(r, indent):
    parts = ['<wco:ID>%s</wco:ID>' % r['wco_id'] if r['wco_id'] else '', '<wco:Name>%s</wco:Name>' % esc(r['name'])]
    if r['format']:
        parts.append('<wco:Format>%s</wco:Format>' % esc(r['format']))
    if r['codes']:
        parts.append('<wco:Codes>%s</wco:Codes>' % esc(r['codes']))
    return indent + '<xs:annotation><xs:appinfo>' + ''.join(parts) + '</xs:appinfo></xs:annotation>'


def write_xsd(rows, file, what, common):
    children = children_of(rows)
    x = ['<?xml version="1.0" encoding="UTF-8"?>',
         '<!-- Generated by tools/wco-subset/generate.py. Do not edit; change the generator and run it again.',
         '     %s as CMAG carries it in exchange messages: WCO element names and nesting, the WCO ID' % what,
         '     of every class and element in xs:appinfo, and CMAG value types. Values are strings (the sender\'s WCO schema has',
         '     checked their formats); the original format and code list are recorded in the appinfo. -->',
         '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="urn:cmag:exchange:1" xmlns:wco="urn:cmag:wco-annotation:1"',
         '           targetNamespace="urn:cmag:exchange:1" elementFormDefault="qualified" version="1.0">', '']
    if common:
        x += ['  <xs:complexType name="WcoValueType">',
              '    <xs:annotation><xs:documentation>A WCO data element value; codes stay codes (listName names their list).</xs:documentation></xs:annotation>',
              '    <xs:simpleContent>', '      <xs:extension base="xs:string">']
        for a in LEAF_ATTRS + ['listName']:
            x.append('        <xs:attribute name="%s" type="xs:token"/>' % a)
        x += ['      </xs:extension>', '    </xs:simpleContent>', '  </xs:complexType>', '',
              '  <xs:complexType name="WcoDateTimeType">', '    <xs:sequence>', '      <xs:element name="DateTimeString">',
              '        <xs:complexType><xs:simpleContent><xs:extension base="xs:string">',
              '          <xs:attribute name="formatCode" type="xs:token" use="required"/>',
              '        </xs:extension></xs:simpleContent></xs:complexType>', '      </xs:element>', '    </xs:sequence>',
              '  </xs:complexType>', '']
    for r in rows:
        if r['kind'] != 'class' or r['carried'] != 'yes':
            continue
        x.append('  <xs:complexType name="%s">' % tname(r['path']))
        x.append(appinfo(r, '    '))
        x.append('    <xs:sequence>')
        for c in children.get(r['path'], []):
            if c['carried'] != 'yes':
                continue
            if c['kind'] == 'declaration':
                x.append('      <xs:element name="FullDeclaration" type="DeclarationType" minOccurs="0" maxOccurs="%s">' % c['max'])
                x.append('        <xs:annotation><xs:documentation>The full WCO DEC Declaration (42A) the response carries.</xs:documentation>'
                         '<xs:appinfo><wco:ID>42A</wco:ID><wco:Name>Declaration</wco:Name></xs:appinfo></xs:annotation>')
                x.append('      </xs:element>')
                continue
            typ = tname(c['path']) if c['kind'] == 'class' else ('WcoDateTimeType' if c['kind'] == 'datetime' else 'WcoValueType')
            x.append('      <xs:element name="%s" type="%s" minOccurs="0" maxOccurs="%s">' % (c['path'].rsplit('/', 1)[1], typ, c['max']))
            x.append(appinfo(c, '        '))
            x.append('      </xs:element>')
        x.append('    </xs:sequence>')
        x.append('  </xs:complexType>')
    x.append('</xs:schema>')
    with open(os.path.join(OUT, file), 'w') as f:
        f.write('\n'.join(x) + '\n')


def lower(n):
    m = re.match(r'^([A-Z]+)([A-Z][a-z].*)$', n)
    if m:
        return m.group(1).lower() + m.group(2)
    return n[0].lower() + n[1:] if not n.isupper() else n.lower()


def write_json_schema(rows):
    children = children_of(rows)

    def jschema(r):
        if r['kind'] == 'class':
            props = {}
            for c in children.get(r['path'], []):
                if c['carried'] != 'yes':
                    continue
                s = jschema(c)
                props[lower(c['path'].rsplit('/', 1)[1])] = s if c['max'] == '1' else {'type': 'array', 'items': s}
            out_ = {'type': 'object', 'additionalProperties': False, 'properties': props}
        elif r['kind'] == 'datetime':
            out_ = {'type': 'object', 'additionalProperties': False, 'required': ['dateTimeString', 'formatCode'],
                    'properties': {'dateTimeString': {'type': 'string'}, 'formatCode': {'type': 'string'}}}
        else:
            attrs = {a: {'type': 'string'} for a in LEAF_ATTRS}
            attrs['value'] = {'type': 'string'}
            out_ = {'oneOf': [{'type': 'string'}, {'type': 'object', 'additionalProperties': False, 'required': ['value'],
                                                    'properties': attrs}]}
        out_['description'] = ('WCO %s %s' % (r['wco_id'], r['name'])).strip()
        return out_

    schema = {'$schema': 'https://json-schema.org/draft/2020-12/schema', '$id': 'urn:cmag:national:declaration:1',
              'title': 'National declaration data (WCO DM 42A Declaration as CMAG carries it)',
              'description': 'Generated by tools/wco-subset/generate.py. Keys are the WCO element names in lowerCamelCase; '
                             'repeatable elements are arrays; a value is a string, or {"value": ..., "currencyID"|"unitCode"|...: ...} '
                             'when it has attributes; date-times are {"dateTimeString": ..., "formatCode": ...}.'}
    schema.update(jschema(rows[0]))
    with open(os.path.join(OUT, 'schemas/national/declaration.schema.json'), 'w') as f:
        json.dump(schema, f, indent=1)
        f.write('\n')


def table_lines(rows):
    lines = ['| WCO path → exchange path | WCO ID | WCO name | pointer | category |', '|---|---|---|---|---|']
    for r in rows:
        if r['carried'] == 'yes':
            lines.append('| `%s` | %s | %s | `%s` | %s |' % (r['path'], r['wco_id'], r['name'].replace('|', '/'), r['pointer'],
                                                        r['category']))
    return lines


def write_doc(dec, res):
    lines = ['# WCO DM → exchange message mapping', '',
             'Generated by `tools/wco-subset/generate.py` from the WCO DM 3.6 DEC-DMS and RES-DMS schemas; `WcoMappingDocTest`',
             'checks that these tables and the mapper (`schemas/mapping/wco-dec-paths.tsv`, `wco-res-paths.tsv`) agree.', '',
             'Every path of a WCO DEC-DMS `Declaration` or RES-DMS `Response` (inside its `MetaData` wrapper) is carried to the',
             'element of the same name and nesting in `urn:cmag:exchange:1` (the national JSON declaration format uses the same',
             'tree with lowerCamelCase keys), **except** the classes listed as not carried, which the translation reports as',
             '*unmapped* with their WCO pointer. Code values are carried as codes; attributes (`currencyID`, `unitCode`, ...) are kept.',
             'The pointer is the chain of WCO class IDs, then `:` and the element ID (the scheme of WCO RES `Pointer`).',
             'The category is the data category agreement files can name in field rules (`category:`): the field catalogue\'s',
             'classification (DOMAIN.md section 14), with CMAG\'s corrections listed in the generator.', '',
             '## Not carried', '', '| WCO path | WCO ID | why |', '|---|---|---|']
    for p in sorted(NOT_CARRIED):
        r = next(r for r in dec if r['path'] == p)
        lines.append('| `%s` | %s | credentials / authentication data, not assistance data |' % (p, r['wco_id']))
    lines += ['', 'The `MetaData` wrapper elements (WCO DM version, type name, responsible agency) are reported as unmapped too.', '',
              '## Declaration (DEC-DMS, %d carried paths)' % sum(1 for r in dec if r['carried'] == 'yes'), '']
    lines += table_lines(dec)
    lines += ['', '## Response (RES-DMS, %d carried paths)' % sum(1 for r in res if r['carried'] == 'yes'), '',
              'A RES carries its own `Declaration` class (below) and may carry the full DEC `Declaration`; the latter becomes',
              '`Response/FullDeclaration` and is mapped as in the table above.', '']
    lines += table_lines(res)
    with open(os.path.join(OUT, 'docs/wco-mapping.md'), 'w') as f:
        f.write('\n'.join(lines) + '\n')


dec_dir, res_dir, catalogue_file = sys.argv[1], sys.argv[2], sys.argv[3]
dec = tree(os.path.join(dec_dir, 'WCO_DEC_2_DMS.xsd'), os.path.join(dec_dir, 'WCO_DS', 'WCO_DEC_DS_2_DMS.xsd'))
res = tree(os.path.join(res_dir, 'WCO_RES_2_DMS.xsd'), os.path.join(res_dir, 'WCO_DS', 'WCO_RES_DS_2_DMS.xsd'))
catalogue = read_catalogue(catalogue_file)
categorise(dec, catalogue)
categorise(res, catalogue)
write_table(dec, 'schemas/mapping/wco-dec-paths.tsv', 'WCO_DEC_2_DMS.xsd')
write_table(res, 'schemas/mapping/wco-res-paths.tsv', 'WCO_RES_2_DMS.xsd')
write_xsd(dec, 'schemas/xsd/cmag-wco-declaration-1.xsd', 'The WCO DM declaration (42A)', True)
write_xsd(res, 'schemas/xsd/cmag-wco-response-1.xsd', 'The WCO DM response (07B, RES-DMS notification)', False)
write_json_schema(dec)
write_doc(dec, res)
print('DEC paths', len(dec), 'RES paths', len(res))
