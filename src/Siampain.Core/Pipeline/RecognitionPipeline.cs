using Siampain.Camera;
using Siampain.Detection;
using Siampain.Models;
using Siampain.Recognition;

namespace Siampain.Pipeline;

/// <summary>
/// The terminal's recognition stage. Per frame: detect, track, gate on geometry, align each candidate straight
/// into the embedder's batch slot, gate on sharpness, tell masked faces apart, embed the survivors in one batch,
/// match them against the gallery and vote per track. Where the manifest mirrors masked faces, a masked track's
/// frames alternate between the face and its mirror image and each frame is matched with both views, its own and
/// the last frame's: the two-view embedding for one embedder pass per frame.
/// Every buffer is owned and reused: a frame allocates nothing here.
/// </summary>
public sealed class RecognitionPipeline : IRecognitionPipeline
{
    private readonly BlazeFaceDetector _detector;
    private readonly FaceEmbedder _embedder;
    private readonly FaceGallery _gallery;
    private readonly RecognitionOptions _options;
    private readonly TimeProvider _time;
    private readonly MaskClassifier? _maskClassifier;
    private readonly FaceTracker _tracker = new();
    private readonly List<DetectedFace> _faces = new(16);
    private readonly List<FaceTrack> _tracks = new(16);
    private readonly FaceTrack[] _slotTracks;
    private readonly bool[] _slotMasked;
    private readonly bool[] _slotMirrored;
    private readonly float[] _embeddings;
    private long _frames, _facesSeen, _rejected, _decisions;
    private TimeSpan _lastFrameTime;
    private double _framesPerSecond;
    private DateTimeOffset? _lastFrameAt;

    public RecognitionPipeline(BlazeFaceDetector detector, FaceEmbedder embedder, FaceGallery gallery, RecognitionOptions options, TimeProvider time)
    {
        _detector = detector ?? throw new ArgumentNullException(nameof(detector));
        _embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));
        _gallery = gallery ?? throw new ArgumentNullException(nameof(gallery));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        if (embedder.MaxBatch < options.MaxFacesPerFrame)
        {
            throw new ArgumentException($"The embedder batches {embedder.MaxBatch} faces; Recognition:MaxFacesPerFrame is {options.MaxFacesPerFrame}.", nameof(embedder));
        }

        _maskClassifier = MaskClassifier.For(embedder.Manifest);
        _slotTracks = new FaceTrack[options.MaxFacesPerFrame];
        _slotMasked = new bool[options.MaxFacesPerFrame];
        _slotMirrored = new bool[options.MaxFacesPerFrame];
        _embeddings = new float[options.MaxFacesPerFrame * embedder.Dimensions];
    }

    /// <summary>The cosine a match of an unmasked face must reach (configured, or the manifest's for the gallery's size now).</summary>
    public float Threshold => Thresholds.Unmasked;

    /// <summary>The cosine a masked face's match against masked templates must reach.</summary>
    public float MaskedThreshold => Thresholds.Masked;

    public PipelineStats Stats => new(_frames, _facesSeen, _rejected, _decisions, _tracker.Count, _lastFrameTime, _framesPerSecond, _lastFrameAt);

    /// <summary>The thresholds for the gallery as it is now: people enrolled while the terminal runs raise the bar.</summary>
    private MatchThresholds Thresholds => MatchThresholds.From(_embedder.Manifest, _options.MatchThreshold, _gallery.PersonCount);

    public void Process(Frame frame, List<FaceDecision> decisions)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(decisions);
        var started = _time.GetTimestamp();
        var at = frame.CapturedAt;

        _detector.Detect(frame.Image, _faces);
        if (_faces.Count > _options.MaxFacesPerFrame)
        {
            // The nearest faces (largest boxes) matter at a door; the rest wait for a later frame.
            _faces.Sort(static (a, b) => b.Box.Area.CompareTo(a.Box.Area));
            _faces.RemoveRange(_options.MaxFacesPerFrame, _faces.Count - _options.MaxFacesPerFrame);
        }

        _facesSeen += _faces.Count;
        _tracker.Update(_faces, at, _tracks);
        var slots = 0;
        var aligner = _embedder.Aligner;
        var std = _embedder.Manifest.Normalization.Std;
        for (var i = 0; i < _faces.Count; i++)
        {
            if (_tracks[i].Decided)
            {
                continue;
            }

            var face = _faces[i];
            if (FaceQuality.CheckGeometry(face, _options) != QualityVerdict.Good)
            {
                _rejected++;
                continue;
            }

            var slot = _embedder.Slot(slots);
            aligner.AlignInto(frame.Image, face, slot);
            if (FaceQuality.Sharpness(slot, aligner.Size, std) < _options.MinSharpness)
            {
                _rejected++;
                continue;
            }

            _slotMasked[slots] = _maskClassifier?.IsMaskedCrop(slot, aligner.Size) ?? false;
            _slotMirrored[slots] = _embedder.Mirror.MirrorsProbe(_slotMasked[slots]) && _tracks[i].WantsMirrorView;
            if (_slotMirrored[slots])
            {
                _embedder.MirrorSlot(slots);
            }

            _slotTracks[slots++] = _tracks[i];
        }

        _embedder.EmbedSlots(slots, _embeddings);
        var thresholds = Thresholds;
        for (var s = 0; s < slots; s++)
        {
            var embedding = _embeddings.AsSpan(s * _embedder.Dimensions, _embedder.Dimensions);
            if (_embedder.Mirror.MirrorsProbe(_slotMasked[s]))
            {
                _slotTracks[s].PairWithLastView(embedding, _slotMirrored[s]);
            }
            else
            {
                _slotTracks[s].ForgetLastView();
            }

            var match = _gallery.Match(embedding, _slotMasked[s]);
            if (_slotTracks[s].Vote(match, thresholds.For(match), _options, at) is { } decision)
            {
                decisions.Add(decision);
                _decisions++;
            }
        }

        _tracker.Expire(at, _options.TrackTimeout);
        _lastFrameTime = _time.GetElapsedTime(started);
        if (_lastFrameAt is { } previous && at > previous)
        {
            // Exponential average over about ten frames: steady enough for the status topic, quick to show a stall.
            var instant = 1.0 / (at - previous).TotalSeconds;
            _framesPerSecond = _framesPerSecond == 0 ? instant : (0.9 * _framesPerSecond) + (0.1 * instant);
        }

        _lastFrameAt = at;
        _frames++;
    }
}
