#!/usr/bin/env bash
# Generates the Java SDK of the rekko package and compiles it with Maven.
#   usage: scripts/sdk/java.sh OUTDIR [SCHEMA.json]
# The SDK is generated from SCHEMA.json (default: the schema the built plugin serves) by
# pulumi-java's generator (toolchain/sdkgen.sh java) into OUTDIR/java, a Maven project: the
# generator's sources, a pom.xml with the dependencies its build.gradle names (com.pulumi:pulumi at
# JAVA_SDK_VERSION of toolchain/versions.env) and the resources its Gradle build would add
# (version.txt, plugin.json). `mvn package` compiles it against Maven Central's artifacts (cached
# in ~/.m2) into OUTDIR/rekko-<version>.jar. Prints the jar's path on stdout, progress on stderr.
# Needs Java >= 11 and Maven.
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh" "$@"
command -v mvn >/dev/null 2>&1 || { echo "scripts/sdk/java.sh: Maven (mvn) is needed" >&2; exit 1; }

generate java
rm -rf "$out/java"
mv "$work/sdk/java" "$out/java"
sdk="$out/java"

# pulumi-java's generator gives a component (a schema resource with isComponent) with secret
# outputs `.additionalSecretOutputs(...)` in its ComponentResourceOptions builder, which no
# com.pulumi:pulumi release has (the option exists for custom resources only; pulumi/pulumi#11545),
# so the SDK would not compile. The call is removed from component classes; a component's outputs
# keep the secretness the provider's construct answer gives them. A generated component without the
# call (a fixed generator) fails here, so the removal is dropped on purpose, not silently.
python3 - "$sdk/src/main/java" <<'PY'
import pathlib, re, sys
call = re.compile(r"\n[ \t]*\.additionalSecretOutputs\(List\.of\(\n(?:[ \t]*\"[^\"\n]*\",?\n)+[ \t]*\)\)")
for path in pathlib.Path(sys.argv[1]).rglob("*.java"):
    text = path.read_text()
    if "extends com.pulumi.resources.ComponentResource" not in text or "additionalSecretOutputs" not in text:
        continue
    fixed, n = call.subn("", text)
    if n != 1 or "additionalSecretOutputs" in fixed:
        sys.exit(f"scripts/sdk/java.sh: {path}: expected one additionalSecretOutputs call in the component's options, found {n}")
    path.write_text(fixed)
    print(f"scripts/sdk/java.sh: removed additionalSecretOutputs from component {path.name}", file=sys.stderr)
PY

read -r name version < <(python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); print(s["name"], s.get("version", "0.0.0"))' "$schema")
# The Java package the generator used (com.pulumi.<name> unless the schema's language.java says otherwise).
pkgdir="$(cd "$sdk/src/main/java" && dirname "$(find . -name Utilities.java | head -n 1)")"
pkgdir="${pkgdir#./}"
mkdir -p "$sdk/src/main/resources/$pkgdir"
printf '%s' "$version" >"$sdk/src/main/resources/$pkgdir/version.txt"
printf '{\n  "resource": true,\n  "name": "%s",\n  "version": "%s"\n}\n' "$name" "$version" >"$sdk/src/main/resources/$pkgdir/plugin.json"

# The dependencies build.gradle names, com.pulumi:pulumi at the pinned version.
deps=""
while read -r gav; do
  IFS=: read -r g a v <<<"$gav"
  [[ "$g:$a" == "com.pulumi:pulumi" ]] && v="$JAVA_SDK_VERSION"
  deps+="    <dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version></dependency>"$'\n'
done < <(sed -n 's/^ *implementation("\([^"]*\)").*/\1/p' "$sdk/build.gradle")
group="${pkgdir%/*}"
cat >"$sdk/pom.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>${group//\//.}</groupId>
  <artifactId>$name</artifactId>
  <version>$version</version>
  <packaging>jar</packaging>
  <properties>
    <maven.compiler.release>11</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencies>
$deps  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-compiler-plugin</artifactId>
        <version>3.13.0</version>
      </plugin>
    </plugins>
  </build>
</project>
POM
say "compiling with Maven (mvn package; artifacts from Maven Central, cached in ~/.m2)"
(cd "$sdk" && mvn -B -q package) >&2
cp "$sdk/target/$name-$version.jar" "$out/"
printf '%s\n' "$out/$name-$version.jar"
