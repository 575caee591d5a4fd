using Siampain.Detection;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.Alignment;

public sealed class FaceAlignerTests
{
    [Fact]
    public void Aligned_keypoints_land_on_the_template_and_the_tensor_matches_the_crop()
    {
        var manifest = TestAssets.Manifest;
        using var blazeFace = new BlazeFaceDetector(manifest);
        var image = TestAssets.LoadSample(3);
        var faces = new List<DetectedFace>();
        new PhotoFaceDetector(blazeFace).Detect(image, faces);
        var face = faces[0];
        var embedder = manifest.Embedder("fp32");
        var aligner = new Siampain.Alignment.FaceAligner(embedder);

        // Eyes of a detected face map close to the template's eyes (the fit spreads residuals over 4 points).
        var transform = aligner.Estimate(face);
        var leftEye = transform.Apply(face.Keypoints[FaceKeypoints.LeftEye]);
        Assert.InRange(leftEye.X, embedder.AlignmentTemplate[0] - 4, embedder.AlignmentTemplate[0] + 4);
        Assert.InRange(leftEye.Y, embedder.AlignmentTemplate[1] - 4, embedder.AlignmentTemplate[1] + 4);

        // Writing straight into the tensor gives the crop's pixels, normalised (up to the crop's rounding to bytes).
        var crop = aligner.Crop(image, face);
        var tensor = new float[112 * 112 * 3];
        aligner.AlignInto(image, face, tensor);
        var maxError = 0f;
        for (var i = 0; i < tensor.Length; i++)
        {
            var expected = (crop.Pixels[i] - embedder.Normalization.Mean) / embedder.Normalization.Std;
            maxError = MathF.Max(maxError, MathF.Abs(expected - tensor[i]));
        }

        Assert.True(maxError <= 0.5f / embedder.Normalization.Std + 1e-6f, $"max error {maxError}");
    }
}
