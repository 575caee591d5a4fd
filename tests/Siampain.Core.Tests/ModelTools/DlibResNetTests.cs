using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Siampain.Models;
using Siampain.ModelTools.Import;
using Siampain.ModelTools.Onnx;
using Siampain.ModelTools.Quantization;
using Siampain.Packages;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.ModelTools;

public sealed class DlibResNetTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Imported_graph_matches_face_apis_layers_evaluated_one_by_one_on_real_faces()
    {
        var weightsPath = DlibResNet.WeightsPath(PackageCache.Default());
        var modelPath = _temp.File("dlib.onnx");
        OnnxFile.Save(DlibResNet.Import(weightsPath), modelPath);
        var weights = TfjsWeights.Load(weightsPath);
        var manifest = TestAssets.Manifest.WithEmbedder("fp32", e => e with
        {
            Size = DlibResNet.Size,
            AlignmentTemplate = DlibResNet.ChipTemplate,
            Normalization = new PixelNormalization(0, DlibResNet.Std),
        });
        var crops = FaceCrops.FromSamplePhotos(PackageCache.Default(), manifest, "fp32");
        using var session = OnnxModel.Open(modelPath, threads: 1);

        var compared = 0;
        foreach (var crop in crops.Where((_, i) => i % 7 == 0))
        {
            var pixels = FaceCrops.ToTensor([crop.Image], new PixelNormalization(0, 1));
            var expected = FaceApiForward.Run(weights, pixels);
            var input = new DenseTensor<float>(pixels.Select(p => p / DlibResNet.Std).ToArray(), new[] { 1, DlibResNet.Size, DlibResNet.Size, 3 });
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(DlibResNet.InputName, input)]);
            var actual = results.Single(r => r.Name == DlibResNet.OutputName).AsTensor<float>().ToArray();

            Assert.Equal(DlibResNet.Dimensions, actual.Length);
            var scale = expected.Max(MathF.Abs);
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.True(MathF.Abs(expected[i] - actual[i]) < 1e-4f * scale, $"{crop.Source}: element {i} is {actual[i]}, face-api's layers give {expected[i]}");
            }

            compared++;
        }

        Assert.True(compared >= 3);
    }

    /// <summary>
    /// face-api's FaceRecognitionNet written out as loops over NHWC arrays, straight from its TensorFlow.js code:
    /// convolution, bias, scale layer, ReLU, the zero-padded shortcuts. Slow, and independent of the ONNX graph's
    /// layout changes and folded constants.
    /// </summary>
    private static class FaceApiForward
    {
        private static readonly float[] MeanRgb = [122.782f, 117.001f, 104.298f];

        public static float[] Run(TfjsWeights weights, float[] pixels)
        {
            var x = new Activation(DlibResNet.Size, 3, new float[pixels.Length]);
            for (var i = 0; i < pixels.Length; i++)
            {
                x.Data[i] = (pixels[i] - MeanRgb[i % 3]) / 255f;
            }

            x = Conv(x, weights, "conv32_down", 7, 32, 2, relu: true);
            x = MaxPool3(x);
            foreach (var (block, channels, down) in Blocks)
            {
                x = down ? ResidualDown(x, weights, block, channels) : Residual(x, weights, block, channels);
            }

            var fc = weights.Get("fc", 256, 128);
            var output = new float[128];
            for (var c = 0; c < 256; c++)
            {
                var mean = 0f;
                for (var p = 0; p < x.Side * x.Side; p++)
                {
                    mean += x.Data[(p * 256) + c];
                }

                mean /= x.Side * x.Side;
                for (var o = 0; o < 128; o++)
                {
                    output[o] += mean * fc[(c * 128) + o];
                }
            }

            return output;
        }

        private static readonly (string Block, int Channels, bool Down)[] Blocks =
        [
            ("conv32_1", 32, false), ("conv32_2", 32, false), ("conv32_3", 32, false),
            ("conv64_down", 64, true), ("conv64_1", 64, false), ("conv64_2", 64, false), ("conv64_3", 64, false),
            ("conv128_down", 128, true), ("conv128_1", 128, false), ("conv128_2", 128, false),
            ("conv256_down", 256, true), ("conv256_1", 256, false), ("conv256_2", 256, false), ("conv256_down_out", 256, true),
        ];

        private sealed record Activation(int Side, int Channels, float[] Data)
        {
            public float At(int y, int x, int c) => y < 0 || x < 0 || y >= Side || x >= Side ? 0f : Data[(((y * Side) + x) * Channels) + c];
        }

        private static Activation Residual(Activation x, TfjsWeights weights, string block, int channels)
        {
            var y = Conv(x, weights, $"{block}/conv1", 3, channels, 1, relu: true);
            y = Conv(y, weights, $"{block}/conv2", 3, channels, 1, relu: false);
            return new Activation(y.Side, channels, [.. y.Data.Zip(x.Data, (a, b) => MathF.Max(0, a + b))]);
        }

        private static Activation ResidualDown(Activation x, TfjsWeights weights, string block, int channels)
        {
            var y = Conv(x, weights, $"{block}/conv1", 3, channels, 2, relu: true);
            y = Conv(y, weights, $"{block}/conv2", 3, channels, 1, relu: false);
            var side = x.Side / 2;
            var output = new float[side * side * channels];
            for (var r = 0; r < side; r++)
            for (var q = 0; q < side; q++)
            for (var c = 0; c < channels; c++)
            {
                var pooled = c < x.Channels
                    ? (x.At(2 * r, 2 * q, c) + x.At(2 * r, (2 * q) + 1, c) + x.At((2 * r) + 1, 2 * q, c) + x.At((2 * r) + 1, (2 * q) + 1, c)) / 4f
                    : 0f;
                output[(((r * side) + q) * channels) + c] = MathF.Max(0, pooled + y.At(r, q, c));
            }

            return new Activation(side, channels, output);
        }

        private static Activation MaxPool3(Activation x)
        {
            var side = ((x.Side - 3) / 2) + 1;
            var output = new float[side * side * x.Channels];
            for (var r = 0; r < side; r++)
            for (var q = 0; q < side; q++)
            for (var c = 0; c < x.Channels; c++)
            {
                var max = float.NegativeInfinity;
                for (var dy = 0; dy < 3; dy++)
                for (var dx = 0; dx < 3; dx++)
                {
                    max = MathF.Max(max, x.At((2 * r) + dy, (2 * q) + dx, c));
                }

                output[(((r * side) + q) * x.Channels) + c] = max;
            }

            return new Activation(side, x.Channels, output);
        }

        /// <summary>TensorFlow's 'same' padding at stride 1 (one pixel each side for 3x3) and 'valid' at stride 2.</summary>
        private static Activation Conv(Activation x, TfjsWeights weights, string layer, int kernel, int outChannels, int stride, bool relu)
        {
            var filters = weights.Get($"{layer}/conv/filters", kernel, kernel, x.Channels, outChannels);
            var bias = weights.Get($"{layer}/conv/bias", outChannels);
            var scale = weights.Get($"{layer}/scale/weights", outChannels);
            var shift = weights.Get($"{layer}/scale/biases", outChannels);
            var pad = stride == 1 ? kernel / 2 : 0;
            var side = ((x.Side + (2 * pad) - kernel) / stride) + 1;
            var output = new float[side * side * outChannels];
            for (var r = 0; r < side; r++)
            for (var q = 0; q < side; q++)
            for (var o = 0; o < outChannels; o++)
            {
                var sum = 0f;
                for (var ky = 0; ky < kernel; ky++)
                for (var kx = 0; kx < kernel; kx++)
                for (var c = 0; c < x.Channels; c++)
                {
                    sum += x.At((r * stride) + ky - pad, (q * stride) + kx - pad, c) * filters[(((((ky * kernel) + kx) * x.Channels) + c) * outChannels) + o];
                }

                var value = ((sum + bias[o]) * scale[o]) + shift[o];
                output[(((r * side) + q) * outChannels) + o] = relu ? MathF.Max(0, value) : value;
            }

            return new Activation(side, outChannels, output);
        }
    }
}
