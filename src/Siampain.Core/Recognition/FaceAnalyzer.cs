using System.Numerics;
using Siampain.Detection;
using Siampain.Imaging;
using Siampain.Models;

namespace Siampain.Recognition;

/// <summary>A face found in a photo with its L2-normalised embedding.</summary>
public sealed record AnalyzedFace(DetectedFace Face, float[] Embedding);

/// <summary>
/// Detector + aligner + embedder for still photos (enrolment, evaluation, the CLI). The terminal's frame loop
/// uses the parts directly with pooled buffers; this convenience allocates per call.
/// </summary>
public sealed class FaceAnalyzer : IDisposable
{
    private readonly List<DetectedFace> _faces = new(8);

    public FaceAnalyzer(ModelManifest manifest, string? embedder = null, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        Manifest = manifest;
        Detector = new BlazeFaceDetector(manifest, threads);
        PhotoDetector = new PhotoFaceDetector(Detector);
        try
        {
            Embedder = new FaceEmbedder(manifest, embedder, threads);
        }
        catch
        {
            Detector.Dispose();
            throw;
        }
    }

    public ModelManifest Manifest { get; }

    public BlazeFaceDetector Detector { get; }

    public PhotoFaceDetector PhotoDetector { get; }

    public FaceEmbedder Embedder { get; }

    /// <summary>Every face in a photo of any size (multi-window scan), best first, each embedded.</summary>
    public IReadOnlyList<AnalyzedFace> AnalyzePhoto(RgbImage image)
    {
        PhotoDetector.Detect(image, _faces);
        return EmbedAll(image, _faces);
    }

    /// <summary>
    /// The one face a portrait is about (an evaluation photo, an enrolment shot): the detection nearest the
    /// image centre. Tightly cropped portraits (the face filling the frame) are retried in a wider window.
    /// Returns null when no face is found.
    /// </summary>
    public DetectedFace? FindCentralFace(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var letterbox = SquareWindow.Letterbox(image.Width, image.Height);
        Detector.Detect(image, letterbox, _faces);
        if (_faces.Count == 0)
        {
            var wider = letterbox.Side * 1.75f;
            Detector.Detect(image, new SquareWindow((image.Width - wider) / 2, (image.Height - wider) / 2, wider), _faces);
        }

        if (_faces.Count == 0)
        {
            return null;
        }

        var centre = new Vector2(image.Width / 2f, image.Height / 2f);
        return _faces.MinBy(f => Vector2.DistanceSquared(f.Box.Centre, centre));
    }

    public float[] Embed(RgbImage image, in DetectedFace face, bool mirrored = false)
    {
        var embedding = new float[Embedder.Dimensions];
        Embedder.Embed(image, [face], embedding, mirrored);
        return embedding;
    }

    /// <summary>A template for the gallery: embedded as enrolment does, with the mirror image when the manifest says so.</summary>
    public float[] EmbedTemplate(RgbImage image, in DetectedFace face) => Embed(image, face, Embedder.Mirror.MirrorsTemplates);

    private AnalyzedFace[] EmbedAll(RgbImage image, List<DetectedFace> faces)
    {
        var embeddings = new float[faces.Count * Embedder.Dimensions];
        Embedder.Embed(image, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(faces), embeddings);
        return [.. faces.Select((face, i) => new AnalyzedFace(face, embeddings.AsSpan(i * Embedder.Dimensions, Embedder.Dimensions).ToArray()))];
    }

    public void Dispose()
    {
        Embedder.Dispose();
        Detector.Dispose();
    }
}
