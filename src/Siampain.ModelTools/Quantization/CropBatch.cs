namespace Siampain.ModelTools.Quantization;

/// <summary>Normalised NHWC face crops packed one after another, as the embedder's input tensor wants them.</summary>
internal sealed record CropBatch(float[] Data, int Count)
{
    public int SampleSize => Count == 0 ? 0 : Data.Length / Count;

    public float[] Slice(int start, int count) => Data.AsSpan(start * SampleSize, count * SampleSize).ToArray();
}
