using System.ComponentModel.DataAnnotations;

namespace Siampain.Pipeline;

/// <summary>How the terminal recognises faces (configuration section "Recognition").</summary>
public sealed class RecognitionOptions
{
    public const string Section = "Recognition";

    /// <summary>Models folder holding manifest.json; default: the models shipped beside the executable.</summary>
    public string? ModelsFolder { get; set; }

    /// <summary>Embedder variant from the manifest ("int8" on the board).</summary>
    public string? Embedder { get; set; }

    /// <summary>ONNX Runtime threads per model. One leaves the other cores to the camera, storage and MQTT.</summary>
    [Range(1, 8)]
    public int Threads { get; set; } = 1;

    /// <summary>Faces embedded per frame at most (the largest first); a crowd at the door should not stall the loop.</summary>
    [Range(1, 16)]
    public int MaxFacesPerFrame { get; set; } = 4;

    /// <summary>Cosine a match must reach; default: the manifest's identification threshold (LFW, false accepts 1e-3).</summary>
    [Range(-1.0, 1.0)]
    public float? MatchThreshold { get; set; }

    /// <summary>How far the best person must lead the runner-up, in cosine.</summary>
    [Range(0.0, 1.0)]
    public float MinMargin { get; set; } = 0.05f;

    /// <summary>Agreeing good frames needed to recognise someone (and more than half of the face's frames). Three frames at 15 fps decide within about 200 ms.</summary>
    [Range(1, 30)]
    public int VotesToRecognise { get; set; } = 3;

    /// <summary>Good frames needed to call a face unknown, four in five of them matching nobody.</summary>
    [Range(1, 60)]
    public int VotesToReject { get; set; } = 5;

    /// <summary>Good frames after which an undecided track is decided anyway: unknown if most frames matched nobody, else uncertain.</summary>
    [Range(2, 120)]
    public int MaxVotes { get; set; } = 12;

    /// <summary>A track is forgotten when its face has not been seen for this long.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan TrackTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Smallest distance between the eyes, in pixels, for a face to count (smaller faces are too far away).</summary>
    [Range(8, 400)]
    public float MinEyeDistance { get; set; } = 28;

    /// <summary>Largest head turn: the nose's offset from the eyes' mid-point, in eye distances (0.35 is about 35 degrees).</summary>
    [Range(0.05, 2.0)]
    public float MaxYaw { get; set; } = 0.35f;

    /// <summary>Largest head tilt in degrees (the eye line against the horizontal).</summary>
    [Range(1, 90)]
    public float MaxRollDegrees { get; set; } = 25;

    /// <summary>
    /// Least sharpness of the aligned face: the variance of its Laplacian on grey levels. Motion blur and
    /// out-of-focus faces fall well below it.
    /// </summary>
    [Range(0.0, 10000.0)]
    public float MinSharpness { get; set; } = 20;
}
