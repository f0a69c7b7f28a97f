package org.cmag.national;

import java.util.List;

/**
 * An assistance request as a national system submits it (JSON, see {@code schemas/national/assistance-request.schema.json}).
 * Pure data, validated by {@link NationalRequestParser}.
 */
public record NationalRequest(
        String partner,
        String requestType,
        String legalInstrument,
        String legalArticle,
        String purpose,
        String relatedRequestId,
        String factsSummary,
        List<Declaration> declarations) {

    public record Declaration(String id, String functionalReferenceId, String typeCode, String issueDateTime,
            String declarationOfficeId, Party exporter, Party importer, List<GoodsItem> goodsItems) {}

    public record Party(String name, String id, Address address) {}

    public record Address(String line, String cityName, String postcodeId, String countryCode) {}

    public record GoodsItem(int sequenceNumeric, String description, List<Classification> classifications, String originCountryCode) {}

    public record Classification(String id, String identificationTypeCode) {}
}
