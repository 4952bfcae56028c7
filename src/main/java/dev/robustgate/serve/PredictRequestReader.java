package dev.robustgate.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code {"inputs": [[v, ...], ...]}} token by token and checks it while it reads: at most
 * {@code maxBatch} rows, each of exactly {@code rowLength} finite values in [0, 1]. A bad request is
 * refused at its first bad token, before the rest is parsed and before any model work, with a message
 * naming the row and value.
 */
final class PredictRequestReader {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).maxNumberLength(64).build())
            .build();

    /** A request refused with {@code status} (400 or 413). */
    static final class Refusal extends Exception {
        final int status;

        Refusal(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private PredictRequestReader() {
    }

    static float[][] read(byte[] body, int maxBatch, int rowLength) throws Refusal {
        try (JsonParser p = FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw bad("the request is not a JSON object");
            float[][] rows = null;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("inputs")) {
                    rows = readRows(p, maxBatch, rowLength);
                } else {
                    p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) throw bad("trailing content after the JSON object");
            if (rows == null || rows.length == 0) {
                throw bad("the request has no \"inputs\" (expected {\"inputs\": [[...], ...]})");
            }
            return rows;
        } catch (JsonParseException e) {
            throw bad("malformed JSON at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw bad("malformed JSON request");
        }
    }

    private static float[][] readRows(JsonParser p, int maxBatch, int rowLength) throws IOException, Refusal {
        if (p.currentToken() != JsonToken.START_ARRAY) throw bad("\"inputs\" must be an array of rows");
        List<float[]> rows = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            int i = rows.size();
            if (i >= maxBatch) throw new Refusal(413, "more than " + maxBatch + " inputs in one request");
            if (p.currentToken() != JsonToken.START_ARRAY) throw bad("input " + i + " is not an array of numbers");
            float[] row = new float[rowLength];
            int j = 0;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (j >= rowLength) throw bad("input " + i + " has more than " + rowLength + " values; the model takes " + rowLength);
                row[j] = value(p, t, i, j);
                j++;
            }
            if (j != rowLength) throw bad("input " + i + " has " + j + " values; the model takes " + rowLength);
            rows.add(row);
        }
        return rows.toArray(new float[0][]);
    }

    private static float value(JsonParser p, JsonToken t, int i, int j) throws IOException, Refusal {
        double v;
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            v = p.getDoubleValue();
        } else if (t == JsonToken.VALUE_STRING && p.getText().matches("-?(NaN|Infinity)")) {
            v = Double.parseDouble(p.getText());   // how Jackson writes non-finite floats by default
        } else {
            throw bad("input " + i + " value " + j + " is not a number");
        }
        if (!Double.isFinite(v)) throw bad("input " + i + " value " + j + " is " + v + "; values must be finite, in [0, 1]");
        if (v < 0 || v > 1) throw bad("input " + i + " value " + j + " is " + v + "; values must be in [0, 1]");
        return (float) v;
    }

    private static Refusal bad(String message) {
        return new Refusal(400, message);
    }
}
