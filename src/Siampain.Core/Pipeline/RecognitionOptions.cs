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

    /// <summary>
    /// Cosine a match must reach at any gallery size; default: the manifest's threshold for the number of people
    /// enrolled (MatchThresholds: the bar rises with the gallery, as 1:N evaluation measured it).
    /// </summary>
    [Range(-1.0, 1.0)]
    public float? MatchThreshold { get; set; }

    /// <summary>How far the best person must lead the runner-up, in cosine.</summary>
    [Range(0.0, 1.0)]
    public float MinMargin { get; set; } = 0.05f;

    /// <summary>Agreeing good frames needed to recognise someone (and more than half of the face's frames). Three frames at 15 fps decide within about 200 ms.</summary>
    [Range(1, 30)]
    public int VotesToRecognise { get; set; } = 3;

    /// <summary>
    /// Good frames needed to call a face unknown, four in five of them matching nobody (so the first four must all
    /// miss). Four frames at 15 fps take 200 ms and leave one frame lost to the gate or a drop within 300 ms.
    /// </summary>
    [Range(1, 60)]
    public int VotesToReject { get; set; } = 4;

    /// <summary>
    /// Agreeing frames that recognise someone at once when every good frame of the face, from the first, matched
    /// that person clearly (<see cref="ConfidentGap"/> above the threshold and ahead of the runner-up). Two frames
    /// at 15 fps decide within about 130 ms; a face that is not clear-cut waits for the majority vote.
    /// </summary>
    [Range(1, 30)]
    public int ConfidentVotesToRecognise { get; set; } = 2;

    /// <summary>Good frames that call a face unknown at once when every one of them stayed <see cref="ConfidentGap"/> below the threshold.</summary>
    [Range(1, 60)]
    public int ConfidentVotesToReject { get; set; } = 3;

    /// <summary>
    /// How clear-cut a frame must be for the early decisions: its cosine this far above the threshold (and its lead
    /// over the runner-up at least this much) for a person, or this far below it for nobody. In six demo classes
    /// (66 walk-ups, 18 of them strangers) the strangers' frames scored at most the threshold itself and the
    /// enrolled people's frames 0.2 to 0.5 above it. A frame this far above the threshold is far out in the tail of
    /// the impostor scores (the threshold itself lets one LFW impostor pair in a thousand through).
    /// </summary>
    [Range(0.0, 1.0)]
    public float ConfidentGap { get; set; } = 0.2f;

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
