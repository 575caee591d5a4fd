using System.Numerics;
using Siampain.Detection;
using Siampain.Imaging;
using Siampain.Models;

namespace Siampain.Alignment;

/// <summary>
/// Maps a detected face onto the embedder's 5-point template and resamples the crop. BlazeFace gives the mouth
/// centre rather than its two corners, so the fit uses eyes, nose tip and mouth centre against the template's
/// eyes, nose and the mid-point of its mouth corners.
/// </summary>
public sealed class FaceAligner
{
    private readonly Vector2[] _template;
    private readonly int _size;
    private readonly PixelNormalization _normalization;

    public FaceAligner(EmbedderManifest embedder)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        var t = embedder.AlignmentTemplate;
        if (t.Length != 10)
        {
            throw new ArgumentException("The alignment template needs 5 points (10 numbers).", nameof(embedder));
        }

        _template =
        [
            new(t[0], t[1]),
            new(t[2], t[3]),
            new(t[4], t[5]),
            (new Vector2(t[6], t[7]) + new Vector2(t[8], t[9])) / 2,
        ];
        _size = embedder.Size;
        _normalization = embedder.Normalization;
    }

    public int Size => _size;

    /// <summary>The transform from image pixels to crop pixels for this face.</summary>
    public SimilarityTransform Estimate(in DetectedFace face)
    {
        Span<Vector2> source =
        [
            face.Keypoints[FaceKeypoints.LeftEye],
            face.Keypoints[FaceKeypoints.RightEye],
            face.Keypoints[FaceKeypoints.NoseTip],
            face.Keypoints[FaceKeypoints.MouthCentre],
        ];
        return SimilarityTransform.Fit(source, _template);
    }

    /// <summary>Writes the aligned, normalised crop (size x size x 3, NHWC) straight into an input tensor slice.</summary>
    public void AlignInto(RgbImage image, in DetectedFace face, Span<float> tensor)
    {
        if (tensor.Length < _size * _size * 3)
        {
            throw new ArgumentException($"The tensor slice needs {_size * _size * 3} floats.", nameof(tensor));
        }

        var sink = new TensorSink(tensor, _normalization.Mean, 1f / _normalization.Std);
        Warp(image, face, ref sink);
    }

    /// <summary>The aligned crop as an image (for enrolment previews, calibration sets and reference fixtures).</summary>
    public RgbImage Crop(RgbImage image, in DetectedFace face)
    {
        var crop = new RgbImage(_size, _size);
        var sink = new ImageSink(crop.Pixels);
        Warp(image, face, ref sink);
        return crop;
    }

    private void Warp<TSink>(RgbImage image, in DetectedFace face, ref TSink sink)
        where TSink : IPixelSink, allows ref struct
    {
        ArgumentNullException.ThrowIfNull(image);
        var inverse = Estimate(face).Inverse();
        Span<float> rgb = stackalloc float[3];
        for (var v = 0; v < _size; v++)
        {
            for (var u = 0; u < _size; u++)
            {
                var source = inverse.Apply(new Vector2(u, v));
                rgb.Clear();
                Resampler.SampleAccumulate(image, source.X, source.Y, 1f, rgb);
                sink.Write(((v * _size) + u) * 3, rgb[0], rgb[1], rgb[2]);
            }
        }
    }

    // The sinks are structs so the JIT specialises Warp for each and inlines the write: no delegate per pixel.
    private interface IPixelSink
    {
        void Write(int offset, float r, float g, float b);
    }

    private readonly ref struct TensorSink(Span<float> tensor, float mean, float inverseStd) : IPixelSink
    {
        private readonly Span<float> _tensor = tensor;

        public void Write(int offset, float r, float g, float b)
        {
            _tensor[offset] = (r - mean) * inverseStd;
            _tensor[offset + 1] = (g - mean) * inverseStd;
            _tensor[offset + 2] = (b - mean) * inverseStd;
        }
    }

    private readonly struct ImageSink(byte[] pixels) : IPixelSink
    {
        public void Write(int offset, float r, float g, float b)
        {
            pixels[offset] = (byte)Math.Clamp(MathF.Round(r), 0, 255);
            pixels[offset + 1] = (byte)Math.Clamp(MathF.Round(g), 0, 255);
            pixels[offset + 2] = (byte)Math.Clamp(MathF.Round(b), 0, 255);
        }
    }
}
