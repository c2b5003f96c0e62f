import githubActions from "../../rules/ci/github-actions.yaml" with { type: "text" }
import gitlab from "../../rules/ci/gitlab.yaml" with { type: "text" }
import jenkins from "../../rules/ci/jenkins.yaml" with { type: "text" }
import travis from "../../rules/ci/travis.yaml" with { type: "text" }
import apt from "../../rules/packages/apt.yaml" with { type: "text" }
import npmYarnPnpm from "../../rules/packages/npm-yarn-pnpm.yaml" with { type: "text" }
import pip from "../../rules/packages/pip.yaml" with { type: "text" }
import cargo from "../../rules/tests/cargo.yaml" with { type: "text" }
import goTest from "../../rules/tests/go-test.yaml" with { type: "text" }
import jestVitest from "../../rules/tests/jest-vitest.yaml" with { type: "text" }
import mavenGradle from "../../rules/tests/maven-gradle.yaml" with { type: "text" }
import pytest from "../../rules/tests/pytest.yaml" with { type: "text" }
import dockerBuild from "../../rules/tools/docker-build.yaml" with { type: "text" }
import git from "../../rules/tools/git.yaml" with { type: "text" }
import kubectl from "../../rules/tools/kubectl.yaml" with { type: "text" }
import terraform from "../../rules/tools/terraform.yaml" with { type: "text" }

/**
 * The rule packs built into the binary (the YAML files under rules/, imported as text), in the
 * order their rules are taken: before the user's and the project's rules, which therefore win
 * over them (see rules/README.md). Every pack is active for every input; its rules' conditions
 * decide what they touch.
 */
export const PACKS: ReadonlyArray<{ readonly file: string; readonly text: string }> = [
  { file: "rules/ci/github-actions.yaml", text: githubActions },
  { file: "rules/ci/gitlab.yaml", text: gitlab },
  { file: "rules/ci/jenkins.yaml", text: jenkins },
  { file: "rules/ci/travis.yaml", text: travis },
  { file: "rules/tests/cargo.yaml", text: cargo },
  { file: "rules/tests/go-test.yaml", text: goTest },
  { file: "rules/tests/jest-vitest.yaml", text: jestVitest },
  { file: "rules/tests/maven-gradle.yaml", text: mavenGradle },
  { file: "rules/tests/pytest.yaml", text: pytest },
  { file: "rules/packages/apt.yaml", text: apt },
  { file: "rules/packages/npm-yarn-pnpm.yaml", text: npmYarnPnpm },
  { file: "rules/packages/pip.yaml", text: pip },
  { file: "rules/tools/docker-build.yaml", text: dockerBuild },
  { file: "rules/tools/git.yaml", text: git },
  { file: "rules/tools/kubectl.yaml", text: kubectl },
  { file: "rules/tools/terraform.yaml", text: terraform },
]
