using Siampain.Imaging;

namespace Siampain.Detection;

/// <summary>Finds faces in a frame.</summary>
public interface IFaceDetector
{
    /// <summary>Clears <paramref name="faces"/> and fills it with the faces found, best first.</summary>
    void Detect(RgbImage image, List<DetectedFace> faces);
}
