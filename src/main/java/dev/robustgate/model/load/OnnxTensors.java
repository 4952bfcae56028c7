package dev.robustgate.model.load;

import onnx.Onnx;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * ONNX TensorProto to INDArray, from raw_data (little-endian) or the typed fields: float32, float64
 * (kept as double), int64, int32, int8/uint8/bool (as int32). Float16, strings and external data
 * are refused with one line.
 */
public final class OnnxTensors {
    private OnnxTensors() {}

    static final int FLOAT = 1, UINT8 = 2, INT8 = 3, INT32 = 6, INT64 = 7, BOOL = 9, DOUBLE = 11;

    public static INDArray toArray(Onnx.TensorProto t) {
        if (t.getDataLocationValue() == 1) {
            throw new IllegalArgumentException("tensor '" + t.getName() + "' keeps its data in an external file, which is not supported");
        }
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long n = 1;
        for (long d : shape) n *= d;
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("tensor '" + t.getName() + "' has too many elements: " + n);
        int count = (int) n;
        ByteBuffer raw = t.getRawData().isEmpty() ? null : t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int type = t.getDataType();
        INDArray a = switch (type) {
            case FLOAT -> {
                float[] v = new float[count];
                if (raw != null) { check(t, raw, count, 4); raw.asFloatBuffer().get(v); }
                else fill(t, t.getFloatDataList(), count, (i, x) -> v[i] = x.floatValue());
                yield Nd4j.create(v, new long[]{count}, DataType.FLOAT);
            }
            case DOUBLE -> {
                double[] v = new double[count];
                if (raw != null) { check(t, raw, count, 8); raw.asDoubleBuffer().get(v); }
                else fill(t, t.getDoubleDataList(), count, (i, x) -> v[i] = x);
                yield Nd4j.create(v, new long[]{count}, DataType.DOUBLE);
            }
            case INT64 -> {
                long[] v = new long[count];
                if (raw != null) { check(t, raw, count, 8); raw.asLongBuffer().get(v); }
                else fill(t, t.getInt64DataList(), count, (i, x) -> v[i] = x);
                yield Nd4j.createFromArray(v);
            }
            case INT32, INT8, UINT8, BOOL -> {
                int[] v = new int[count];
                int width = type == INT32 ? 4 : 1;
                if (raw != null) {
                    check(t, raw, count, width);
                    for (int i = 0; i < count; i++) v[i] = width == 4 ? raw.getInt() : type == INT8 ? raw.get() : raw.get() & 0xff;
                } else {
                    fill(t, t.getInt32DataList(), count, (i, x) -> v[i] = x);
                }
                yield Nd4j.createFromArray(v);
            }
            default -> throw new IllegalArgumentException("tensor '" + t.getName() + "' has ONNX element type " + type
                    + ", which is not supported (float32, float64, int64, int32, int8, uint8, bool)");
        };
        if (shape.length == 0) {
            return a.dataType() == DataType.LONG ? Nd4j.scalar(a.getLong(0)) : Nd4j.scalar(a.dataType(), a.getDouble(0));
        }
        return count == 0 ? Nd4j.create(a.dataType(), shape) : a.reshape('c', shape);
    }

    private static void check(Onnx.TensorProto t, ByteBuffer raw, int count, int width) {
        if (raw.remaining() != (long) count * width) {
            throw new IllegalArgumentException("tensor '" + t.getName() + "' has " + raw.remaining() + " bytes of raw data, expected "
                    + (long) count * width);
        }
    }

    private interface Put<T> { void put(int i, T value); }

    private static <T> void fill(Onnx.TensorProto t, List<T> values, int count, Put<T> put) {
        if (values.size() != count) {
            throw new IllegalArgumentException("tensor '" + t.getName() + "' has " + values.size() + " values, expected " + count);
        }
        for (int i = 0; i < count; i++) put.put(i, values.get(i));
    }
}
