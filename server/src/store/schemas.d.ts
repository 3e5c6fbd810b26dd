import { Type, type Static } from 'typebox';
/** Loki JSON push: values are [ts ns string, line] or [ts, line, structured metadata]. */
export declare const PushBody: Type.TObject<{
    streams: Type.TArray<Type.TObject<{
        stream: Type.TRecord<"^.*$", Type.TString>;
        values: Type.TArray<Type.TArray<Type.TUnion<[Type.TString, Type.TRecord<"^.*$", Type.TString>]>>>;
    }>>;
}>;
export type PushBody = Static<typeof PushBody>;
export declare const QueryRangeParams: Type.TObject<{
    query: Type.TString;
    start: Type.TOptional<Type.TString>;
    end: Type.TOptional<Type.TString>;
    limit: Type.TOptional<Type.TString>;
    direction: Type.TOptional<Type.TString>;
    step: Type.TOptional<Type.TString>;
    interval: Type.TOptional<Type.TString>;
}>;
export type QueryRangeParams = Static<typeof QueryRangeParams>;
export declare const LabelsQuery: Type.TObject<{
    start: Type.TOptional<Type.TString>;
    end: Type.TOptional<Type.TString>;
    query: Type.TOptional<Type.TString>;
}>;
export type LabelsQuery = Static<typeof LabelsQuery>;
export declare const LabelNameParams: Type.TObject<{
    name: Type.TString;
}>;
export type LabelNameParams = Static<typeof LabelNameParams>;
export declare const QueryRangeResponse: Type.TObject<{
    status: Type.TLiteral<"success">;
    data: Type.TObject<{
        resultType: Type.TLiteral<"streams">;
        result: Type.TArray<Type.TObject<{
            stream: Type.TRecord<"^.*$", Type.TString>;
            values: Type.TArray<Type.TArray<Type.TString>>;
        }>>;
        stats: Type.TObject<{
            summary: Type.TObject<{
                bytesProcessedPerSecond: Type.TNumber;
                linesProcessedPerSecond: Type.TNumber;
                totalBytesProcessed: Type.TNumber;
                totalLinesProcessed: Type.TNumber;
                totalEntriesReturned: Type.TNumber;
                totalPostFilterLines: Type.TNumber;
                execTime: Type.TNumber;
                queueTime: Type.TNumber;
                subqueries: Type.TNumber;
            }>;
            embeddedStore: Type.TObject<{
                streamsMatched: Type.TNumber;
                chunksRead: Type.TNumber;
            }>;
        }>;
    }>;
}>;
export type QueryRangeResponse = Static<typeof QueryRangeResponse>;
export declare const StringListResponse: Type.TObject<{
    status: Type.TLiteral<"success">;
    data: Type.TArray<Type.TString>;
}>;
export type StringListResponse = Static<typeof StringListResponse>;
export declare const PlainText: Type.TString;
export declare const NoContent: Type.TNull;
