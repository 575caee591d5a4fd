using System.Numerics.Tensors;

namespace Siampain.Tests.Infrastructure;

/// <summary>Random L2-normalised vectors standing in for embeddings where only the gallery's arithmetic matters.</summary>
public static class RandomEmbeddings
{
    /// <summary>The embedder's width, so galleries built from these are shaped like real ones.</summary>
    public const int Dimensions = 192;

    public static float[] Unit(Random random, int dimensions = Dimensions)
    {
        ArgumentNullException.ThrowIfNull(random);
        var v = new float[dimensions];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = (float)((random.NextDouble() * 2) - 1);
        }

        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        return v;
    }
}
