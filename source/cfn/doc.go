// Package cfn reads AWS CloudFormation templates — hand-written YAML with
// the short intrinsic tags (!Ref, !Sub, …), JSON with the long forms
// (Ref, Fn::Sub, …), SAM templates and `cdk synth` output alike — into
// model evidence: EMR clusters and security configurations, security
// groups and their ingress rules, subnets, route tables and VPC endpoints,
// IAM roles, policies and instance profiles, and S3 buckets.
//
// Intrinsics are resolved statically: parameters from their Default or
// from a parameters file (Params), Mappings, Conditions, Fn::Sub, Fn::Join,
// Fn::Select, Fn::Split, Fn::If, AWS::NoValue, and pseudo parameters when
// they are given. References between resources (!Ref SecConf, !GetAtt
// Sg.GroupId) are followed to the resource: the model holds the logical ID
// where the deployed value (a group ID, a generated name) cannot be known.
// What cannot be resolved becomes a tree.UnknownNode, and then an Unknown
// field, with the reason ("parameter KmsKeyArn has no default"); nothing
// is guessed. Joins are left to model.Link: roles, policies, groups and
// route tables carry the template as their Scope, and an AWS::IAM::Policy's
// Roles, a role's ManagedPolicyArns: [!Ref P], and SecurityGroupIngress,
// Route and SubnetRouteTableAssociation resources are emitted as facts it
// resolves in that template.
//
// The security-configuration document is handed to source/secconf and
// IAM documents to source/iampolicy once their intrinsics are resolved,
// so both are read one way whatever the source.
package cfn
