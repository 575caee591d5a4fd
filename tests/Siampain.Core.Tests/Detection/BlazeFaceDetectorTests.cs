using Siampain.Detection;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.Detection;

public sealed class BlazeFaceDetectorTests
{
    [Fact]
    public void Photo_detector_finds_the_22_faces_of_the_sample_photos_with_keypoints_inside_their_boxes()
    {
        using var blazeFace = new BlazeFaceDetector(TestAssets.Manifest);
        var detector = new PhotoFaceDetector(blazeFace);
        var faces = new List<DetectedFace>();
        var total = 0;
        for (var n = 1; n <= 6; n++)
        {
            var image = TestAssets.LoadSample(n);
            detector.Detect(image, faces);
            total += faces.Count;
            foreach (var face in faces)
            {
                Assert.InRange(face.Score, PhotoFaceDetector.DefaultMinScore, 1f);
                var eyes = face.Keypoints[FaceKeypoints.LeftEye];
                Assert.InRange(eyes.X, face.Box.X, face.Box.Right);
                Assert.InRange(eyes.Y, face.Box.Y, face.Box.Bottom);
                Assert.True(face.Keypoints[FaceKeypoints.LeftEye].X < face.Keypoints[FaceKeypoints.RightEye].X);
            }
        }

        Assert.Equal(22, total);
    }

    [Fact]
    public void An_image_without_a_face_gives_no_detection_and_no_central_face()
    {
        using var analyzer = new Siampain.Recognition.FaceAnalyzer(TestAssets.Manifest);
        var wall = new Siampain.Imaging.RgbImage(640, 480);
        for (var i = 0; i < wall.Pixels.Length; i++)
        {
            wall.Pixels[i] = (byte)(120 + ((i / 3 % 640) / 40));
        }

        var faces = new List<DetectedFace>();
        analyzer.Detector.Detect(wall, faces);
        Assert.Empty(faces);
        Assert.Null(analyzer.FindCentralFace(wall));
        Assert.Empty(analyzer.AnalyzePhoto(wall));
    }
}
