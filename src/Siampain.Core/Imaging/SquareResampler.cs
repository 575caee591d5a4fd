using Siampain.Models;

namespace Siampain.Imaging;

/// <summary>
/// Resamples a square window of a frame into a normalised size x size x 3 tensor: the detector's input, on
/// every frame. The filter (a grid of bilinear taps, averaged) is separable, so it runs as a horizontal pass
/// over the source rows the window needs, then a vertical pass, with per-column and per-row tap tables built
/// once per call. Written by hand because it is the hot path: measured several times faster than sampling
/// each output pixel's taps directly (tests/.../SquareResamplerTests compares the two, the benchmarks time it).
/// Buffers are owned and reused: one instance per detector, not thread-safe.
/// </summary>
public sealed class SquareResampler
{
    private readonly int _size;
    private readonly Taps _columns;
    private readonly Taps _rows;
    private float[] _horizontal = [];
    private int[] _rowSlot = [];

    public SquareResampler(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        _size = size;
        _columns = new Taps(size);
        _rows = new Taps(size);
    }

    /// <summary>
    /// How many bilinear taps per axis average into one output pixel: when shrinking by more than 2x, plain
    /// bilinear reads too few source pixels and aliases, and a 640x480 frame's faces stop being found.
    /// </summary>
    public static int TapsPerAxis(float scale) => Math.Clamp((int)MathF.Ceiling(scale / 2f), 1, 3);

    /// <summary>Fills <paramref name="tensor"/> with the window; parts of it outside the image are black.</summary>
    public void Resample(RgbImage image, SquareWindow window, Span<float> tensor, PixelNormalization normalization)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(normalization);
        var size = _size;
        if (tensor.Length < size * size * 3)
        {
            throw new ArgumentException($"The tensor needs {size * size * 3} floats.", nameof(tensor));
        }

        var scale = window.Side / size;
        var taps = TapsPerAxis(scale);
        _columns.Build(window.X, scale, taps, image.Width);
        _rows.Build(window.Y, scale, taps, image.Height);

        // Horizontal pass, once per source row that some output row reads.
        if (_rowSlot.Length < image.Height)
        {
            _rowSlot = new int[image.Height];
        }

        Array.Fill(_rowSlot, -1, 0, image.Height);
        var needed = 0;
        foreach (var y in _rows.Indices.AsSpan(0, _rows.Count))
        {
            if (_rowSlot[y] < 0)
            {
                _rowSlot[y] = needed++;
            }
        }

        var rowFloats = size * 3;
        if (_horizontal.Length < needed * rowFloats)
        {
            _horizontal = new float[needed * rowFloats];
        }

        var pixels = image.Pixels;
        for (var y = 0; y < image.Height; y++)
        {
            var slot = _rowSlot[y];
            if (slot < 0)
            {
                continue;
            }

            var source = pixels.AsSpan(y * image.Stride, image.Stride);
            var target = _horizontal.AsSpan(slot * rowFloats, rowFloats);
            for (var ox = 0; ox < size; ox++)
            {
                float r = 0, g = 0, b = 0;
                for (var k = _columns.Start[ox]; k < _columns.Start[ox + 1]; k++)
                {
                    var p = _columns.Indices[k] * 3;
                    var w = _columns.Weights[k];
                    r += source[p] * w;
                    g += source[p + 1] * w;
                    b += source[p + 2] * w;
                }

                target[ox * 3] = r;
                target[(ox * 3) + 1] = g;
                target[(ox * 3) + 2] = b;
            }
        }

        // Vertical pass into the tensor, normalising on the way.
        var mean = normalization.Mean;
        var inverseStd = 1f / normalization.Std;
        for (var oy = 0; oy < size; oy++)
        {
            var output = tensor.Slice(oy * rowFloats, rowFloats);
            output.Clear();
            for (var k = _rows.Start[oy]; k < _rows.Start[oy + 1]; k++)
            {
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(
                    _horizontal.AsSpan(_rowSlot[_rows.Indices[k]] * rowFloats, rowFloats), _rows.Weights[k], output, output);
            }

            System.Numerics.Tensors.TensorPrimitives.Subtract(output, mean, output);
            System.Numerics.Tensors.TensorPrimitives.Multiply(output, inverseStd, output);
        }
    }

    /// <summary>For each output index along one axis: the source indices it reads and their weights (CSR layout).</summary>
    private sealed class Taps(int size)
    {
        public readonly int[] Start = new int[size + 1];
        public int[] Indices = new int[size * 6];
        public float[] Weights = new float[size * 6];

        public int Count => Start[^1];

        public void Build(float origin, float scale, int taps, int length)
        {
            var perOutput = taps * 2;
            if (Indices.Length < (Start.Length - 1) * perOutput)
            {
                Indices = new int[(Start.Length - 1) * perOutput];
                Weights = new float[(Start.Length - 1) * perOutput];
            }

            var tapStep = scale / taps;
            var tapWeight = 1f / taps;
            var count = 0;
            for (var o = 0; o < Start.Length - 1; o++)
            {
                Start[o] = count;
                for (var t = 0; t < taps; t++)
                {
                    // The same sample positions as a per-pixel bilinear sampler; neighbours outside the image
                    // are left out, which makes them black.
                    var s = origin + (o * scale) + ((t + 0.5f) * tapStep) - 0.5f;
                    if (s <= -1 || s >= length)
                    {
                        continue;
                    }

                    var i0 = (int)MathF.Floor(s);
                    var f = s - i0;
                    count = Add(i0, tapWeight * (1 - f), length, count);
                    count = Add(i0 + 1, tapWeight * f, length, count);
                }
            }

            Start[^1] = count;
        }

        private int Add(int index, float weight, int length, int count)
        {
            if ((uint)index >= (uint)length || weight == 0)
            {
                return count;
            }

            Indices[count] = index;
            Weights[count] = weight;
            return count + 1;
        }
    }
}
