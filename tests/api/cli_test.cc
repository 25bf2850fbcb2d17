// The administrative CLI on the data directory of a running server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/api.h"

namespace gatehouse::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CliTest : public SharedServerTest<CliTest> {
 protected:
  CommandResult gatehouse(std::vector<std::string> args, const std::string& stdin_text = "") {
    args.insert(args.begin() + 2, {"--data", server().data_dir()});
    return run_gatehouse(args, stdin_text);
  }
  CommandResult add_user(const std::string& email, const std::string& password,
                         const std::string& roles = "") {
    std::vector<std::string> args{"user",   "add",     "--email", email, "--password-stdin",
                                  "--name", "CLI User"};
    if (!roles.empty()) args.insert(args.end(), {"--roles", roles});
    return gatehouse(args, password + "\n");
  }
  std::string user_list() {
    auto r = gatehouse({"user", "list"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
};

TEST_F(CliTest, AddedUserCanSignInOverHttp) {
  std::string email = unique_email("cli");
  auto r = add_user(email, kPassword, "teacher");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(email));
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_THAT(user_list(), HasSubstr(email));

  auto login = api().must_sign_in(email);
  const auto& user = login.response.obj().at("user");
  EXPECT_EQ(user.at("name"), "CLI User");
  EXPECT_EQ(str(user.at("email")), email);
  EXPECT_EQ(strings(user.at("roleNames")), std::vector<std::string>{"teacher"});
  EXPECT_EQ(login.response.obj().at("firstSeen"), false);
  // The password line is read exactly: no trailing newline in the password.
  EXPECT_EQ(api().sign_in(email, std::string(kPassword) + "\n").status, 401);
}

TEST_F(CliTest, WeakPasswordIsRefusedWithAReadableMessage) {
  std::string email = unique_email("cliweak");
  auto r = add_user(email, "short");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("Password must be at least 8 characters long"));
  EXPECT_THAT(user_list(), Not(HasSubstr(email)));
  auto empty = add_user(email, "");
  EXPECT_NE(empty.exit_code, 0);
  EXPECT_FALSE(empty.err.empty());
}

TEST_F(CliTest, UnknownRoleIsRefusedWithAReadableMessage) {
  std::string email = unique_email("clirole");
  auto r = add_user(email, kPassword, "teacher,headmaster");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("headmaster"));
  EXPECT_THAT(r.err, HasSubstr("role"));
  EXPECT_THAT(user_list(), Not(HasSubstr(email)));
}

TEST_F(CliTest, DuplicateUserIsRefusedWithAReadableMessage) {
  std::string email = unique_email("clidup");
  ASSERT_EQ(add_user(email, kPassword).exit_code, 0);
  auto r = add_user(email, kPassword);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("already exists"));
  // Also against a user created over HTTP, in another letter case.
  std::string web = unique_email("web");
  api().must_sign_up(web);
  std::string upper = web;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto r2 = add_user(upper, kPassword);
  EXPECT_NE(r2.exit_code, 0);
  EXPECT_THAT(r2.err, HasSubstr("already exists"));
}

TEST_F(CliTest, OtherMistakesExitNonZeroWithAMessage) {
  auto not_email = add_user("not-an-email", kPassword);
  EXPECT_NE(not_email.exit_code, 0);
  EXPECT_THAT(not_email.err, HasSubstr("not an email address"));

  auto no_stdin_flag = gatehouse({"user", "add", "--email", unique_email()});
  EXPECT_NE(no_stdin_flag.exit_code, 0);
  EXPECT_THAT(no_stdin_flag.err, HasSubstr("--password-stdin"));

  auto unknown_user = gatehouse({"user", "set-roles", unique_email("ghost"), "teacher"});
  EXPECT_NE(unknown_user.exit_code, 0);
  EXPECT_THAT(unknown_user.err, HasSubstr("no user with login id"));

  std::string email = unique_email("clisetrole");
  ASSERT_EQ(add_user(email, kPassword).exit_code, 0);
  auto bad_role = gatehouse({"user", "set-roles", email, "janitor"});
  EXPECT_NE(bad_role.exit_code, 0);
  EXPECT_THAT(bad_role.err, HasSubstr("janitor"));

  auto unknown_flag = gatehouse({"user", "list", "--colour"});
  EXPECT_NE(unknown_flag.exit_code, 0);
  EXPECT_THAT(unknown_flag.err, HasSubstr("--colour"));

  auto unknown_verb = gatehouse({"user", "delete"});
  EXPECT_NE(unknown_verb.exit_code, 0);
  EXPECT_FALSE(unknown_verb.err.empty());
}

// A flag that takes one of a few words names them when given another, and nothing starts.
TEST_F(CliTest, AFlagGivenAWordItDoesNotKnowListsTheWordsItDoes) {
  const std::string data = server().data_dir() + "-choices";
  auto cookies = run_gatehouse({"serve", "--data", data, "--token-cookies", "sometimes"});
  EXPECT_NE(cookies.exit_code, 0);
  EXPECT_THAT(cookies.err, HasSubstr("--token-cookies"));
  EXPECT_THAT(cookies.err, HasSubstr("must be none, refresh or both"));
  auto hash_in = run_gatehouse({"serve", "--data", data, "--hash-in", "gpu"});
  EXPECT_NE(hash_in.exit_code, 0);
  EXPECT_THAT(hash_in.err, HasSubstr("must be processes or threads"));
  auto tls = run_gatehouse({"serve", "--data", data, "--smtp-tls", "ssl"});
  EXPECT_NE(tls.exit_code, 0);
  EXPECT_THAT(tls.err, HasSubstr("must be starttls, tls or none"));
}

TEST_F(CliTest, RolesCanBeAddedListedAndGiven) {
  auto add = gatehouse({"role", "add", "principal", "--description", "Runs the school"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  auto list = gatehouse({"role", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("principal\tRuns the school"));
  EXPECT_THAT(list.out, HasSubstr("teacher"));
  EXPECT_THAT(list.out, HasSubstr("student"));

  auto again = gatehouse({"role", "add", "principal"});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_THAT(again.err, HasSubstr("already exists"));
  auto bad_name = gatehouse({"role", "add", "no/slashes"});
  EXPECT_NE(bad_name.exit_code, 0);
  EXPECT_FALSE(bad_name.err.empty());

  std::string email = unique_email("principal");
  ASSERT_EQ(add_user(email, kPassword, "principal").exit_code, 0);
  auto login = api().must_sign_in(email);
  EXPECT_EQ(strings(jwt_payload(login.session).at("roles")), std::vector<std::string>{"principal"});
}

}  // namespace
}  // namespace gatehouse::test
