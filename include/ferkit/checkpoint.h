// Checkpoints: the model's weights (<name>.pt) and its sidecar (<name>.json, ferkit/sidecar.h).
// Loading needs nothing but the two files: the sidecar says which model to build.
//
//   ferkit::Sidecar s;
//   s.model = net->spec();  s.dataset_fingerprint = manifest.fingerprint();  s.config = resolved;
//   ferkit::save_checkpoint("runs/b0/best.pt", net, s);     // writes best.pt + best.json
//   ferkit::Checkpoint ck = ferkit::load_checkpoint("runs/b0/best.pt");
//   ck.net->forward(x);  ck.sidecar.temperature;            // net is in eval mode
//
// The weights file is a pickled dict {parameter or buffer name: tensor} (torch::pickle_save), so
// Python reads it with torch.load(path) and gets a state_dict; names are FerNet's
// ("backbone.layer1.0.conv1.weight", "projection.weight", ...; see ferkit/model.h).
//
// Errors (ferkit::Error, naming the file): missing sidecar or weights; a sidecar naming an unknown
// architecture or other classes than the ferkit taxonomy; weights that do not fit the sidecar's
// architecture (the first missing, unexpected or mis-shaped tensor, with both shapes); weights whose
// SHA-256 differs from the one the sidecar recorded (the pair was mixed up or torn).
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "ferkit/model.h"
#include "ferkit/sidecar.h"

namespace ferkit {

struct Checkpoint {
  FerNet net{nullptr};  // eval mode, CPU
  Sidecar sidecar;
};

// Writes <name>.pt then <name>.json, each atomically. Sets sidecar.model from net->spec() (they
// must not disagree), and fills git_commit (when empty), created and weights_sha256.
void save_checkpoint(const std::filesystem::path& checkpoint, FerNet& net, Sidecar sidecar);
Checkpoint load_checkpoint(const std::filesystem::path& checkpoint);

// Copies named tensors into a module's parameters and buffers (no autograd). Every name of the
// module must be present with the same shape, unless allow_missing; names absent from the module
// are counted into *unused (or an Error when unused is null). where: file named in errors.
void load_named_tensors(torch::nn::Module& module, const std::map<std::string, torch::Tensor>& tensors,
                        const std::string& where, bool allow_missing = false,
                        std::map<std::string, int>* unused = nullptr);

// Loads a torchvision state_dict saved as NPZ (numpy.savez(path, **{k: v.numpy()})) into the
// backbone by name. The torchvision classification head (fc.*, classifier.* except ConvNeXt's
// classifier.0) is skipped; for a grayscale model the RGB first convolution is summed over its
// input channels (the usual 3 -> 1 channel transfer). Returns what was skipped or adapted, counted
// by reason. Any other missing, unexpected or mis-shaped tensor is an Error naming it.
std::map<std::string, int> load_backbone_npz(FerNet& net, const std::filesystem::path& npz);

}  // namespace ferkit
