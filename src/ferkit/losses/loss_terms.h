// Factories of the recipe's loss terms (internal: the registry table in loss_registry.cpp lists
// them; each lives in its own file).
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "ferkit/loss_term.h"

namespace ferkit {

std::shared_ptr<LossTerm> make_cross_entropy_term(const nlohmann::json& table, const std::string& where, const LossSetup& setup);
std::shared_ptr<LossTerm> make_focal_term(const nlohmann::json& table, const std::string& where, const LossSetup& setup);
std::shared_ptr<LossTerm> make_kd_term(const nlohmann::json& table, const std::string& where, const LossSetup& setup);
std::shared_ptr<LossTerm> make_kd_mse_term(const nlohmann::json& table, const std::string& where, const LossSetup& setup);
std::shared_ptr<LossTerm> make_dkd_term(const nlohmann::json& table, const std::string& where, const LossSetup& setup);
std::shared_ptr<LossTerm> make_arcface_term(const nlohmann::json& table, const std::string& where, const LossSetup& setup);
std::shared_ptr<LossTerm> make_negative_term(const nlohmann::json& table, const std::string& where, const LossSetup& setup);
std::shared_ptr<LossTerm> make_multi_teacher_term(const nlohmann::json& table, const std::string& where, const LossSetup& setup);
std::shared_ptr<LossTerm> make_proto_kd_term(const nlohmann::json& table, const std::string& where, const LossSetup& setup);
std::shared_ptr<LossTerm> make_d_geo_term(const nlohmann::json& table, const std::string& where, const LossSetup& setup);

}  // namespace ferkit
