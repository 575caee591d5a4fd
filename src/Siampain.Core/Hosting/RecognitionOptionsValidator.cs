using Microsoft.Extensions.Options;
using Siampain.Pipeline;

namespace Siampain.Hosting;

/// <summary>The ranges declared on <see cref="RecognitionOptions"/>, checked without reflection.</summary>
[OptionsValidator]
internal sealed partial class RecognitionOptionsAnnotationsValidator : IValidateOptions<RecognitionOptions>;

/// <summary>The "Recognition" section: its ranges plus the rules between the vote counts.</summary>
public sealed class RecognitionOptionsValidator : IValidateOptions<RecognitionOptions>
{
    private readonly RecognitionOptionsAnnotationsValidator _annotations = new();

    public ValidateOptionsResult Validate(string? name, RecognitionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(_annotations.Validate(name, options));
        if (options.VotesToRecognise > options.MaxVotes)
        {
            builder.AddError($"VotesToRecognise ({options.VotesToRecognise}) exceeds MaxVotes ({options.MaxVotes}): nobody could ever be recognised.", "Recognition:VotesToRecognise");
        }

        if (options.VotesToReject > options.MaxVotes)
        {
            builder.AddError($"VotesToReject ({options.VotesToReject}) exceeds MaxVotes ({options.MaxVotes}): no face could ever be called unknown.", "Recognition:VotesToReject");
        }

        if (options.ConfidentVotesToRecognise > options.VotesToRecognise)
        {
            builder.AddError($"ConfidentVotesToRecognise ({options.ConfidentVotesToRecognise}) exceeds VotesToRecognise ({options.VotesToRecognise}): the early decision would come after the vote.", "Recognition:ConfidentVotesToRecognise");
        }

        if (options.ConfidentVotesToReject > options.VotesToReject)
        {
            builder.AddError($"ConfidentVotesToReject ({options.ConfidentVotesToReject}) exceeds VotesToReject ({options.VotesToReject}): the early decision would come after the vote.", "Recognition:ConfidentVotesToReject");
        }

        return builder.Build();
    }
}
