using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CreatorChat.Retrieval.Infrastructure.VectorStores;

/// <summary>
/// Vectors as signed bytes with one scale each (symmetric scalar quantisation: code = round(x / scale),
/// scale = max |x| / 127), and their dot product in integers. A scan is bound by memory bandwidth, so a quarter
/// of float32's bytes is most of the speed; for normalised 384-dimension vectors the score is off by about 1e-3,
/// which is why <see cref="EmbeddedVectorStore"/> re-scores its candidates with the float32 vectors.
/// </summary>
public static class Int8Vectors
{
    /// <summary>Writes the codes of <paramref name="vector"/> and returns its scale (0 for a zero vector).</summary>
    public static float Quantize(ReadOnlySpan<float> vector, Span<sbyte> codes)
    {
        var max = vector.IsEmpty ? 0 : TensorPrimitives.MaxMagnitude(vector);
        max = MathF.Abs(max);
        if (!(max > 0) || !float.IsFinite(max))
        {
            codes.Clear();
            return 0;
        }

        var scale = max / 127f;
        for (var i = 0; i < vector.Length; i++)
        {
            codes[i] = (sbyte)Math.Clamp(MathF.Round(vector[i] / scale), -127f, 127f);
        }

        return scale;
    }

    /// <summary>The codes widened to 16 bits once per query, so each row's product needs one widening only.</summary>
    public static short[] Widen(ReadOnlySpan<sbyte> codes)
    {
        var wide = new short[codes.Length];
        for (var i = 0; i < codes.Length; i++)
        {
            wide[i] = codes[i];
        }

        return wide;
    }

    /// <summary>The approximate dot product of two quantised vectors.</summary>
    public static float Score(int dot, float queryScale, float rowScale) => dot * (queryScale * rowScale);

    /// <summary>Σ row[i] × query[i] exactly (|sum| ≤ 127² × length, no overflow below 133,000 dimensions).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Dot(ReadOnlySpan<sbyte> row, ReadOnlySpan<short> query)
    {
        var length = row.Length;
        var i = 0;
        var sum = 0;
        ref var r = ref MemoryMarshal.GetReference(row);
        ref var q = ref MemoryMarshal.GetReference(query);
        if (Avx512BW.IsSupported && length >= 32)
        {
            var acc = Vector512<int>.Zero;
            for (; i <= length - 32; i += 32)
            {
                var codes = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref r, (nuint)i));
                acc = Avx512F.Add(acc, Avx512BW.MultiplyAddAdjacent(codes, Vector512.LoadUnsafe(ref q, (nuint)i)));
            }

            sum = Vector512.Sum(acc);
        }
        else if (Avx2.IsSupported && length >= 16)
        {
            var acc = Vector256<int>.Zero;
            for (; i <= length - 16; i += 16)
            {
                var codes = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref r, (nuint)i));
                acc = Avx2.Add(acc, Avx2.MultiplyAddAdjacent(codes, Vector256.LoadUnsafe(ref q, (nuint)i)));
            }

            sum = Vector256.Sum(acc);
        }

        for (; i < length; i++)
        {
            sum += Unsafe.Add(ref r, i) * Unsafe.Add(ref q, i);
        }

        return sum;
    }
}
