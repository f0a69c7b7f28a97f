package org.cmag.wco;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.cmag.crypto.SecureXml;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Translates declaration data — WCO DM DEC-DMS XML or national JSON — into the exchange message's WCO-aligned
 * {@code Declaration}, with the report of what was not carried. Built once; per call it parses, validates and maps.
 */
public final class DeclarationTranslator {
    private final WcoDecReader decReader;
    private final WcoDecReader resReader;
    private final NationalDeclarationJson json;
    private final WcoMapper mapper;
    private final WcoMapper responseMapper;
    private final SecureXml xml;

    /**
     * @param decReader null when no WCO schema set is configured: DEC input is then refused, JSON still works
     */
    public DeclarationTranslator(WcoDecReader decReader, WcoPaths paths, SecureXml xml) {
        this(decReader, null, paths, null, xml);
    }

    /**
     * @param resReader null when no WCO RES schema set is configured: RES input is then refused
     */
    public DeclarationTranslator(WcoDecReader decReader, WcoDecReader resReader, WcoPaths paths, WcoPaths responsePaths, SecureXml xml) {
        this.decReader = decReader;
        this.resReader = resReader;
        this.json = new NationalDeclarationJson(paths);
        this.mapper = new WcoMapper(paths);
        this.responseMapper = responsePaths == null ? null : WcoMapper.forResponses(responsePaths, mapper);
        this.xml = xml;
    }

    /** A WCO RES-DMS response (notification) → the exchange {@code Response}, with what was not carried. */
    public Translation fromWcoResponse(byte[] resXml) {
        if (resReader == null || responseMapper == null) {
            throw new GatewayException(ErrorCode.WCO_SCHEMAS_NOT_CONFIGURED, "WCO RES-DMS input needs the WCO RES schema set");
        }
        WcoDecReader.DecInput in = resReader.read(resXml);
        List<Unmapped> unmapped = new ArrayList<>(in.unmapped());
        Document target = xml.newDocument();
        Element out = responseMapper.map(in.declaration(), target, in.inputPath(), unmapped);
        target.appendChild(out);
        return new Translation(out, List.copyOf(unmapped));
    }

    /** A translated declaration (owned by its own document until imported) and what was not carried. */
    public record Translation(Element declaration, List<Unmapped> unmapped) {}

    public Translation fromWcoDec(byte[] decXml) {
        if (decReader == null) {
            throw new GatewayException(ErrorCode.WCO_SCHEMAS_NOT_CONFIGURED,
                    "WCO DEC-DMS input needs the WCO schema set: set gateway.wco.schema-dir");
        }
        WcoDecReader.DecInput in = decReader.read(decXml);
        List<Unmapped> unmapped = new ArrayList<>(in.unmapped());
        Document target = xml.newDocument();
        Element out = mapper.map(in.declaration(), target, in.inputPath(), unmapped);
        target.appendChild(out);
        return new Translation(out, List.copyOf(unmapped));
    }

    public Translation fromNationalJson(JsonNode declaration, String pointer) {
        Document scratch = xml.newDocument();
        Element dec = json.toDec(declaration, scratch, pointer);
        scratch.appendChild(dec);
        List<Unmapped> unmapped = new ArrayList<>();
        Document target = xml.newDocument();
        Element out = mapper.map(dec, target, pointer, unmapped);
        target.appendChild(out);
        return new Translation(out, List.copyOf(unmapped));
    }

    /** The national JSON form of a WCO DEC declaration (what a national system would send for the same data). */
    public JsonNode toNationalJson(byte[] decXml) {
        if (decReader == null) {
            throw new GatewayException(ErrorCode.WCO_SCHEMAS_NOT_CONFIGURED,
                    "WCO DEC-DMS input needs the WCO schema set: set gateway.wco.schema-dir");
        }
        return json.fromDec(decReader.read(decXml).declaration());
    }
}
